-- Notifications by email and SMS (SPEC 12): what a ticket asked for, and an outbox.
-- Kept apart from the tickets row, which other features change.

-- One row per ticket registered with notify: {email, sms, ahead}.
CREATE TABLE IF NOT EXISTS ticket_notify (
  ticket_id CHAR(36) NOT NULL PRIMARY KEY,
  email BOOLEAN NOT NULL DEFAULT FALSE,
  sms BOOLEAN NOT NULL DEFAULT FALSE,
  ahead TINYINT UNSIGNED NOT NULL DEFAULT 3,
  -- true once `near` was enqueued, or from the start when the ticket was issued that close
  near_sent BOOLEAN NOT NULL DEFAULT FALSE,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  CONSTRAINT fk_ticket_notify_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id),
  CONSTRAINT ck_ticket_notify_ahead CHECK (ahead BETWEEN 1 AND 20)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: one row per message. The text is rendered when the row is written, so a
-- retry sends the same words; message_id stays the same across retries (receivers and
-- gateways can drop a duplicate), and dedupe_key makes enqueueing the same
-- notification twice (a replayed event) a no-op.
CREATE TABLE IF NOT EXISTS notifications (
  id CHAR(36) NOT NULL PRIMARY KEY,
  ticket_id CHAR(36) NULL,
  appointment_id CHAR(36) NULL,               -- appointments come in another migration: no foreign key
  channel ENUM('email','sms') NOT NULL,
  kind ENUM('issued','near','called','booked') NOT NULL,
  to_address VARCHAR(254) NOT NULL,
  subject VARCHAR(400) NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  message_id VARCHAR(200) NOT NULL,
  dedupe_key VARCHAR(120) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status ENUM('pending','sent','failed') NOT NULL DEFAULT 'pending',
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  last_error VARCHAR(400) NULL,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  claim_token CHAR(36) NULL,                  -- the sender that holds the current attempt
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  sent_date DATETIME(3) NULL,
  UNIQUE KEY uq_notifications_dedupe (dedupe_key),
  KEY ix_notifications_due (status, next_attempt_at),
  KEY ix_notifications_ticket (ticket_id, created_date),
  CONSTRAINT fk_notifications_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id),
  CONSTRAINT ck_notifications_subject CHECK (ticket_id IS NOT NULL OR appointment_id IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
