-- Identifiers compare as bytes: every UUID column (ids and the columns that refer to them)
-- becomes CHAR(36) CHARACTER SET ascii COLLATE ascii_bin. Under utf8mb4_unicode_ci each
-- comparison of two ids went through the Unicode collation (an index search, a join, a
-- foreign-key check, the board's window partitioned by queue); measured with perf on a
-- registration load, the collation's scanner was 7% of MariaDB's CPU, and 25% on the board
-- with thousands waiting. ids are written in lowercase by the service (ids_uuid_v4, UUID())
-- and lowercased at the API's edge, so the case-insensitive match is not needed.
--
-- MariaDB does not change the type of a column on either side of a foreign key, even with
-- foreign_key_checks off: the keys are dropped, the columns changed (one copy of each
-- table), and the keys added back with the checks off (metadata only: the rows already
-- satisfy them). Every step can run again after a failure half way. Migrations run with
-- the workers stopped (README).
SET SESSION foreign_key_checks = 0;

-- 1. The foreign keys between ids.
ALTER TABLE appointments
  DROP FOREIGN KEY IF EXISTS fk_appointments_customer,
  DROP FOREIGN KEY IF EXISTS fk_appointments_priority,
  DROP FOREIGN KEY IF EXISTS fk_appointments_slot,
  DROP FOREIGN KEY IF EXISTS fk_appointments_ticket;
ALTER TABLE appointment_slots
  DROP FOREIGN KEY IF EXISTS fk_appointment_slots_queue;
ALTER TABLE desks
  DROP FOREIGN KEY IF EXISTS fk_desks_queue,
  DROP FOREIGN KEY IF EXISTS fk_desks_user;
ALTER TABLE idempotency_keys
  DROP FOREIGN KEY IF EXISTS fk_idempotency_ticket;
ALTER TABLE notifications
  DROP FOREIGN KEY IF EXISTS fk_notifications_ticket;
ALTER TABLE queues
  DROP FOREIGN KEY IF EXISTS fk_queues_user;
ALTER TABLE queue_day_counters
  DROP FOREIGN KEY IF EXISTS fk_queue_day_counters_queue;
ALTER TABLE queue_priorities
  DROP FOREIGN KEY IF EXISTS fk_queue_priorities_priority,
  DROP FOREIGN KEY IF EXISTS fk_queue_priorities_queue;
ALTER TABLE queue_schedules
  DROP FOREIGN KEY IF EXISTS fk_queue_schedules_queue;
ALTER TABLE refresh_tokens
  DROP FOREIGN KEY IF EXISTS fk_refresh_tokens_user;
ALTER TABLE role_permissions
  DROP FOREIGN KEY IF EXISTS fk_role_permissions_role;
ALTER TABLE tickets
  DROP FOREIGN KEY IF EXISTS fk_tickets_called_by,
  DROP FOREIGN KEY IF EXISTS fk_tickets_customer,
  DROP FOREIGN KEY IF EXISTS fk_tickets_desk,
  DROP FOREIGN KEY IF EXISTS fk_tickets_issued_queue,
  DROP FOREIGN KEY IF EXISTS fk_tickets_priority,
  DROP FOREIGN KEY IF EXISTS fk_tickets_queue;
ALTER TABLE ticket_events
  DROP FOREIGN KEY IF EXISTS fk_ticket_events_ticket;
ALTER TABLE ticket_notify
  DROP FOREIGN KEY IF EXISTS fk_ticket_notify_ticket;
ALTER TABLE users
  DROP FOREIGN KEY IF EXISTS fk_users_role;
ALTER TABLE webhook_deliveries
  DROP FOREIGN KEY IF EXISTS fk_webhook_deliveries_webhook;

-- 2. The columns.
ALTER TABLE appointments
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY priority_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY customer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE appointment_slots
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE customers
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE desks
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE idempotency_keys
  MODIFY user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE notifications
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY appointment_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY claim_token CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE priorities
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE queues
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE queue_day_counters
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE queue_priorities
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY priority_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE queue_schedules
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE queue_waiting_counts
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE refresh_tokens
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY family_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE roles
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE role_permissions
  MODIFY role_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE tickets
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY customer_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY priority_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY issued_queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY called_by CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY desk_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE ticket_events
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY from_queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY to_queue_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY desk_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL,
  MODIFY user_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;
ALTER TABLE ticket_notify
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE users
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY role_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE webhooks
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE webhook_deliveries
  MODIFY id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY webhook_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  MODIFY ticket_id CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NULL;

-- 3. The same keys back.
ALTER TABLE appointments
  ADD CONSTRAINT fk_appointments_customer FOREIGN KEY IF NOT EXISTS (customer_id) REFERENCES customers (id),
  ADD CONSTRAINT fk_appointments_priority FOREIGN KEY IF NOT EXISTS (priority_id) REFERENCES priorities (id),
  ADD CONSTRAINT fk_appointments_slot FOREIGN KEY IF NOT EXISTS (queue_id, start) REFERENCES appointment_slots (queue_id, start),
  ADD CONSTRAINT fk_appointments_ticket FOREIGN KEY IF NOT EXISTS (ticket_id) REFERENCES tickets (id);
ALTER TABLE appointment_slots
  ADD CONSTRAINT fk_appointment_slots_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id);
ALTER TABLE desks
  ADD CONSTRAINT fk_desks_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id),
  ADD CONSTRAINT fk_desks_user FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users (id);
ALTER TABLE idempotency_keys
  ADD CONSTRAINT fk_idempotency_ticket FOREIGN KEY IF NOT EXISTS (ticket_id) REFERENCES tickets (id);
ALTER TABLE notifications
  ADD CONSTRAINT fk_notifications_ticket FOREIGN KEY IF NOT EXISTS (ticket_id) REFERENCES tickets (id);
ALTER TABLE queues
  ADD CONSTRAINT fk_queues_user FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users (id);
ALTER TABLE queue_day_counters
  ADD CONSTRAINT fk_queue_day_counters_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id);
ALTER TABLE queue_priorities
  ADD CONSTRAINT fk_queue_priorities_priority FOREIGN KEY IF NOT EXISTS (priority_id) REFERENCES priorities (id),
  ADD CONSTRAINT fk_queue_priorities_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id);
ALTER TABLE queue_schedules
  ADD CONSTRAINT fk_queue_schedules_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id);
ALTER TABLE refresh_tokens
  ADD CONSTRAINT fk_refresh_tokens_user FOREIGN KEY IF NOT EXISTS (user_id) REFERENCES users (id);
ALTER TABLE role_permissions
  ADD CONSTRAINT fk_role_permissions_role FOREIGN KEY IF NOT EXISTS (role_id) REFERENCES roles (id);
ALTER TABLE tickets
  ADD CONSTRAINT fk_tickets_called_by FOREIGN KEY IF NOT EXISTS (called_by) REFERENCES users (id),
  ADD CONSTRAINT fk_tickets_customer FOREIGN KEY IF NOT EXISTS (customer_id) REFERENCES customers (id),
  ADD CONSTRAINT fk_tickets_desk FOREIGN KEY IF NOT EXISTS (desk_id) REFERENCES desks (id),
  ADD CONSTRAINT fk_tickets_issued_queue FOREIGN KEY IF NOT EXISTS (issued_queue_id) REFERENCES queues (id),
  ADD CONSTRAINT fk_tickets_priority FOREIGN KEY IF NOT EXISTS (priority_id) REFERENCES priorities (id),
  ADD CONSTRAINT fk_tickets_queue FOREIGN KEY IF NOT EXISTS (queue_id) REFERENCES queues (id);
ALTER TABLE ticket_events
  ADD CONSTRAINT fk_ticket_events_ticket FOREIGN KEY IF NOT EXISTS (ticket_id) REFERENCES tickets (id);
ALTER TABLE ticket_notify
  ADD CONSTRAINT fk_ticket_notify_ticket FOREIGN KEY IF NOT EXISTS (ticket_id) REFERENCES tickets (id);
ALTER TABLE users
  ADD CONSTRAINT fk_users_role FOREIGN KEY IF NOT EXISTS (role_id) REFERENCES roles (id);
ALTER TABLE webhook_deliveries
  ADD CONSTRAINT fk_webhook_deliveries_webhook FOREIGN KEY IF NOT EXISTS (webhook_id) REFERENCES webhooks (id);

SET SESSION foreign_key_checks = 1;
