-- Desks (SPEC 8): the windows, counters or rooms a queue is served from, who is signed in
-- at each (one desk per user at a time), and the desk that called a ticket.
CREATE TABLE IF NOT EXISTS desks (
  id CHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  queue_id CHAR(36) NOT NULL,
  state BOOLEAN NOT NULL DEFAULT TRUE,
  user_id CHAR(36) NULL,                        -- who is signed in at it now
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_desks_name (name),
  UNIQUE KEY uq_desks_user (user_id),           -- a user sits at one desk at a time
  KEY ix_desks_queue (queue_id, state),
  CONSTRAINT fk_desks_queue FOREIGN KEY (queue_id) REFERENCES queues (id),
  CONSTRAINT fk_desks_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The desk that called a ticket (NULL when called without one); cleared with called_by
-- when the ticket goes back to waiting. The index finds a desk's called ticket and its history.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS desk_id CHAR(36) NULL AFTER called_by;
CREATE INDEX IF NOT EXISTS ix_tickets_desk ON tickets (desk_id, status);
ALTER TABLE tickets ADD CONSTRAINT fk_tickets_desk FOREIGN KEY IF NOT EXISTS (desk_id) REFERENCES desks (id);
