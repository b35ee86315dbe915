-- Appointments (SPEC 9) and the ticket's due_date, from which the call order counts
-- (src/repo/queue_order.h): the slot start of a checked-in appointment, else created_date.
ALTER TABLE tickets ADD COLUMN IF NOT EXISTS due_date DATETIME(3) NULL AFTER created_date;
UPDATE tickets SET due_date = created_date WHERE due_date IS NULL;
-- Rows written without it (imports, hand-made test data) count from their creation.
ALTER TABLE tickets MODIFY due_date DATETIME(3) NOT NULL DEFAULT (created_date);

-- The order's indexes count from due_date now. Same names as before, so statements that
-- force them keep working; the overdue-first scans get their own.
ALTER TABLE tickets
  DROP INDEX IF EXISTS ix_tickets_queue_fifo,
  ADD INDEX ix_tickets_queue_fifo (queue_id, status, due_date, created_date),
  DROP INDEX IF EXISTS ix_tickets_queue_level,
  ADD INDEX ix_tickets_queue_level (queue_id, status, priority_level, due_date, created_date),
  DROP INDEX IF EXISTS ix_tickets_steal_fifo,
  ADD INDEX ix_tickets_steal_fifo (status, due_date, created_date),
  DROP INDEX IF EXISTS ix_tickets_steal_level,
  ADD INDEX ix_tickets_steal_level (status, priority_level, due_date, created_date),
  DROP INDEX IF EXISTS ix_tickets_queue_standing,
  ADD INDEX ix_tickets_queue_standing (queue_id, status, sla_deadline, priority_level, due_date, created_date),
  DROP INDEX IF EXISTS ix_tickets_queue_overdue,
  ADD INDEX ix_tickets_queue_overdue (queue_id, status, due_date, priority_level, created_date),
  DROP INDEX IF EXISTS ix_tickets_steal_overdue,
  ADD INDEX ix_tickets_steal_overdue (status, due_date, priority_level, created_date);

-- A queue's booking schedule; no row = the defaults (hours empty: no bookings).
-- hours: "D HH:MM HH:MM" entries joined by ","; closed_dates: "YYYY-MM-DD" joined by ",".
CREATE TABLE IF NOT EXISTS queue_schedules (
  queue_id CHAR(36) NOT NULL PRIMARY KEY,
  slot_minutes SMALLINT UNSIGNED NOT NULL,
  capacity SMALLINT UNSIGNED NOT NULL,
  weeks_ahead TINYINT UNSIGNED NOT NULL,
  late_grace_minutes SMALLINT UNSIGNED NOT NULL,
  hours TEXT NOT NULL,
  closed_dates TEXT NOT NULL,
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  CONSTRAINT fk_queue_schedules_queue FOREIGN KEY (queue_id) REFERENCES queues (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per booked slot, created by its first booking; bookings lock it (FOR UPDATE)
-- while counting, so a slot never holds more than the capacity.
CREATE TABLE IF NOT EXISTS appointment_slots (
  queue_id CHAR(36) NOT NULL,
  start DATETIME NOT NULL,
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (queue_id, start),
  CONSTRAINT fk_appointment_slots_queue FOREIGN KEY (queue_id) REFERENCES queues (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS appointments (
  id CHAR(36) NOT NULL PRIMARY KEY,
  queue_id CHAR(36) NOT NULL,
  priority_id CHAR(36) NOT NULL,
  customer_id CHAR(36) NOT NULL,
  start DATETIME NOT NULL,                  -- UTC, whole seconds
  end DATETIME NOT NULL,
  service_date DATE NOT NULL,               -- the day of start in [queue] timezone
  status ENUM('booked','checked_in','cancelled','no_show') NOT NULL DEFAULT 'booked',
  ticket_id CHAR(36) NULL,
  checked_in_date DATETIME(3) NULL,
  late_grace_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 0, -- the schedule's grace when booked
  created_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_date DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY ix_appointments_slot (queue_id, start, status),
  KEY ix_appointments_day (service_date, queue_id),
  KEY ix_appointments_start (start),
  KEY ix_appointments_customer (customer_id),
  KEY ix_appointments_status_day (status, service_date),
  CONSTRAINT fk_appointments_slot FOREIGN KEY (queue_id, start) REFERENCES appointment_slots (queue_id, start),
  CONSTRAINT fk_appointments_priority FOREIGN KEY (priority_id) REFERENCES priorities (id),
  CONSTRAINT fk_appointments_customer FOREIGN KEY (customer_id) REFERENCES customers (id),
  CONSTRAINT fk_appointments_ticket FOREIGN KEY (ticket_id) REFERENCES tickets (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
