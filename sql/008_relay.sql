-- turnero-relay (SPEC 13): where it is in ticket_events, and the lease that lets one
-- relay work at a time. Both tables hold exactly one row (id = 1).
CREATE TABLE IF NOT EXISTS relay_state (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  last_seq BIGINT UNSIGNED NOT NULL,
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  CONSTRAINT ck_relay_state_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A first relay starts after the events that exist already: it does not replay history.
INSERT IGNORE INTO relay_state (id, last_seq, updated_date)
SELECT 1, COALESCE(MAX(seq), 0), UTC_TIMESTAMP(3) FROM ticket_events;

CREATE TABLE IF NOT EXISTS relay_lease (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  holder VARCHAR(100) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  CONSTRAINT ck_relay_lease_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO relay_lease (id, holder, expires_at) VALUES (1, '', '2000-01-01 00:00:00.000');
