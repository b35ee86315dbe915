-- Webhooks (SPEC 11): the permission module, the subscriptions and their outbox.
ALTER TABLE permissions DROP CONSTRAINT IF EXISTS ck_permissions_module;
ALTER TABLE permissions ADD CONSTRAINT ck_permissions_module
  CHECK (module IN ('users','roles','priorities','queues','customers','tickets','reports','webhooks'));

INSERT IGNORE INTO permissions (module, action)
SELECT 'webhooks', a.action
FROM (SELECT 'create' AS action UNION ALL SELECT 'read' UNION ALL SELECT 'update' UNION ALL SELECT 'delete') a;

-- admin: every permission, webhooks included
INSERT IGNORE INTO role_permissions (role_id, module, action)
SELECT '6f1c0a3e-0a51-4c55-9a0e-000000000001', module, action FROM permissions WHERE module = 'webhooks';

-- events: the subscribed types as ",ticket.called,ticket.served," (or ",*,"), so one
-- LOCATE() decides at event time. secret: "whsec_" + base64; the previous one keeps
-- signing until previous_expires_at after a rotation.
CREATE TABLE IF NOT EXISTS webhooks (
  id CHAR(36) NOT NULL PRIMARY KEY,
  url VARCHAR(2048) NOT NULL,
  events VARCHAR(1000) NOT NULL,
  description VARCHAR(500) NOT NULL DEFAULT '',
  state TINYINT(1) NOT NULL DEFAULT 1,
  secret VARCHAR(100) NOT NULL,
  previous_secret VARCHAR(100) NULL,
  previous_expires_at DATETIME(3) NULL,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_webhooks_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The outbox: rows are written in the transaction of their ticket event; the relay
-- fills payload (the ticket after the change) when it reaches that event, then delivers.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id CHAR(36) NOT NULL PRIMARY KEY,
  webhook_id CHAR(36) NOT NULL,
  type VARCHAR(40) NOT NULL,
  seq BIGINT UNSIGNED NULL,
  ticket_id CHAR(36) NULL,
  payload MEDIUMTEXT NULL,
  status VARCHAR(10) NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  last_status_code INT NULL,
  last_error VARCHAR(255) NULL,
  next_attempt_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  delivered_date DATETIME(3) NULL,
  KEY ix_webhook_deliveries_list (webhook_id, created_date),
  KEY ix_webhook_deliveries_due (status, next_attempt_at),
  KEY ix_webhook_deliveries_seq (seq),
  CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY (webhook_id) REFERENCES webhooks (id),
  CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending','delivered','failed'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
