-- turnero schema (SPEC section 2). Ids are UUID v4 strings; times are UTC DATETIME(3).
-- Every statement is safe to re-run, so a migration interrupted half-way can be applied again.

CREATE TABLE IF NOT EXISTS roles (
  id CHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  description VARCHAR(255) NOT NULL DEFAULT '',
  state BOOLEAN NOT NULL DEFAULT TRUE,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_roles_name (name),
  CONSTRAINT ck_roles_name CHECK (CHAR_LENGTH(name) BETWEEN 1 AND 50)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS permissions (
  module VARCHAR(20) NOT NULL,
  action VARCHAR(10) NOT NULL,
  PRIMARY KEY (module, action),
  CONSTRAINT ck_permissions_module CHECK (module IN ('users','roles','priorities','queues','customers','tickets','reports')),
  CONSTRAINT ck_permissions_action CHECK (action IN ('create','read','update','delete'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS role_permissions (
  role_id CHAR(36) NOT NULL,
  module VARCHAR(20) NOT NULL,
  action VARCHAR(10) NOT NULL,
  PRIMARY KEY (role_id, module, action),
  KEY ix_role_permissions_perm (module, action),
  CONSTRAINT fk_role_permissions_role FOREIGN KEY (role_id) REFERENCES roles (id),
  CONSTRAINT fk_role_permissions_perm FOREIGN KEY (module, action) REFERENCES permissions (module, action)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS users (
  id CHAR(36) NOT NULL PRIMARY KEY,
  user_name VARCHAR(32) NOT NULL,
  first_name VARCHAR(100) NOT NULL DEFAULT '',
  last_name VARCHAR(100) NOT NULL DEFAULT '',
  password_hash VARCHAR(255) NOT NULL,
  state BOOLEAN NOT NULL DEFAULT TRUE,
  role_id CHAR(36) NOT NULL,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_users_user_name (user_name),
  KEY ix_users_role (role_id),
  CONSTRAINT fk_users_role FOREIGN KEY (role_id) REFERENCES roles (id),
  CONSTRAINT ck_users_user_name CHECK (user_name REGEXP '^[a-z0-9._-]{3,32}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins per user name (also for names that do not exist), for throttling.
CREATE TABLE IF NOT EXISTS login_failures (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_name VARCHAR(255) NOT NULL,
  failed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_login_failures_name_time (user_name, failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refresh tokens are stored as SHA-256; a family is one login's chain of rotations.
CREATE TABLE IF NOT EXISTS refresh_tokens (
  id CHAR(36) NOT NULL PRIMARY KEY,
  family_id CHAR(36) NOT NULL,
  user_id CHAR(36) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  rotated_at DATETIME(3) NULL,
  revoked_at DATETIME(3) NULL,
  UNIQUE KEY uq_refresh_tokens_hash (token_hash),
  KEY ix_refresh_tokens_family (family_id),
  KEY ix_refresh_tokens_user (user_id),
  CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS priorities (
  id CHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  description VARCHAR(255) NOT NULL DEFAULT '',
  level TINYINT UNSIGNED NOT NULL,
  max_wait_minutes INT UNSIGNED NOT NULL DEFAULT 0,
  state BOOLEAN NOT NULL DEFAULT TRUE,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_priorities_name (name),
  CONSTRAINT ck_priorities_level CHECK (level BETWEEN 1 AND 100),
  CONSTRAINT ck_priorities_max_wait CHECK (max_wait_minutes <= 10080)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS queues (
  id CHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  prefix VARCHAR(3) NOT NULL,
  state ENUM('open','paused','closed') NOT NULL DEFAULT 'open',
  policy ENUM('priority','fifo') NOT NULL DEFAULT 'priority',
  user_id CHAR(36) NULL,
  created_seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT, -- "created first" tie-break, stable within one millisecond
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_queues_name (name),
  UNIQUE KEY uq_queues_prefix (prefix),
  UNIQUE KEY uq_queues_user (user_id),
  UNIQUE KEY uq_queues_created_seq (created_seq),
  KEY ix_queues_state (state),
  CONSTRAINT fk_queues_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT ck_queues_prefix CHECK (prefix REGEXP BINARY '^[A-Z]{1,3}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS queue_priorities (
  queue_id CHAR(36) NOT NULL,
  priority_id CHAR(36) NOT NULL,
  PRIMARY KEY (queue_id, priority_id),
  KEY ix_queue_priorities_priority (priority_id, queue_id),
  CONSTRAINT fk_queue_priorities_queue FOREIGN KEY (queue_id) REFERENCES queues (id),
  CONSTRAINT fk_queue_priorities_priority FOREIGN KEY (priority_id) REFERENCES priorities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS customers (
  id CHAR(36) NOT NULL PRIMARY KEY,
  dni VARCHAR(20) NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name VARCHAR(100) NOT NULL,
  phone VARCHAR(40) NOT NULL DEFAULT '',
  email VARCHAR(254) NOT NULL DEFAULT '',
  state BOOLEAN NOT NULL DEFAULT TRUE,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_customers_dni (dni),
  KEY ix_customers_names (last_name, first_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per queue and service day; the ticket number is taken by updating it.
CREATE TABLE IF NOT EXISTS queue_day_counters (
  queue_id CHAR(36) NOT NULL,
  service_date DATE NOT NULL,
  last_number INT UNSIGNED NOT NULL,
  PRIMARY KEY (queue_id, service_date),
  CONSTRAINT fk_queue_day_counters_queue FOREIGN KEY (queue_id) REFERENCES queues (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tickets (
  id CHAR(36) NOT NULL PRIMARY KEY,
  customer_id CHAR(36) NOT NULL,
  priority_id CHAR(36) NOT NULL,
  priority_level TINYINT UNSIGNED NOT NULL,      -- copied at issue so ordering is index-served
  queue_id CHAR(36) NOT NULL,                   -- where it waits now (changes on transfer)
  issued_queue_id CHAR(36) NOT NULL,            -- the queue that numbered it; code and number never change
  service_date DATE NOT NULL,
  number INT UNSIGNED NOT NULL,
  code VARCHAR(12) NOT NULL,
  status ENUM('waiting','called','served','no_show','cancelled','expired') NOT NULL DEFAULT 'waiting',
  sla_deadline DATETIME(3) NULL,                 -- created_date + max_wait_minutes; NULL when no SLA
  quoted_wait_seconds INT UNSIGNED NOT NULL DEFAULT 0,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  called_date DATETIME(3) NULL,
  served_date DATETIME(3) NULL,
  called_by CHAR(36) NULL,
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_tickets_number (issued_queue_id, service_date, number),
  -- take-next by fifo / overdue-first, by level then age, and the called ticket of a queue
  KEY ix_tickets_queue_fifo (queue_id, status, created_date),
  KEY ix_tickets_queue_level (queue_id, status, priority_level, created_date),
  KEY ix_tickets_status_date (status, service_date),
  KEY ix_tickets_steal_fifo (status, created_date),
  KEY ix_tickets_steal_level (status, priority_level, created_date),
  KEY ix_tickets_service_date (service_date, queue_id),
  KEY ix_tickets_customer (customer_id),
  KEY ix_tickets_priority (priority_id),
  KEY ix_tickets_called_by (called_by),
  CONSTRAINT fk_tickets_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_tickets_priority FOREIGN KEY (priority_id) REFERENCES priorities (id),
  CONSTRAINT fk_tickets_queue FOREIGN KEY (queue_id) REFERENCES queues (id),
  CONSTRAINT fk_tickets_issued_queue FOREIGN KEY (issued_queue_id) REFERENCES queues (id),
  CONSTRAINT fk_tickets_called_by FOREIGN KEY (called_by) REFERENCES users (id),
  CONSTRAINT ck_tickets_number CHECK (number >= 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only audit trail of every state change and transfer.
CREATE TABLE IF NOT EXISTS ticket_events (
  seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ticket_id CHAR(36) NOT NULL,
  event VARCHAR(20) NOT NULL,
  from_queue_id CHAR(36) NULL,
  to_queue_id CHAR(36) NULL,
  user_id CHAR(36) NULL,
  reason VARCHAR(20) NULL,
  at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_ticket_events_ticket (ticket_id, seq),
  CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id),
  CONSTRAINT ck_ticket_events_event CHECK (event IN ('created','called','recalled','requeued','served',
    'no_show','cancelled','transferred','expired')),
  CONSTRAINT ck_ticket_events_reason CHECK (reason IS NULL OR reason IN ('manual','rebalance','queue_closed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- POST /tickets with Idempotency-Key: a retry returns the ticket of the first request.
CREATE TABLE IF NOT EXISTS idempotency_keys (
  user_id CHAR(36) NOT NULL,
  idem_key VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, -- keys match byte for byte
  ticket_id CHAR(36) NOT NULL,
  request_hash CHAR(64) NOT NULL,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id, idem_key),
  KEY ix_idempotency_created (created_date),
  CONSTRAINT fk_idempotency_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
