-- The waiting tickets of every queue and priority level, kept by the database itself: a
-- trigger on tickets counts each ticket that starts waiting in a (queue, level) as an
-- arrival (direction 0) and each one that stops waiting there (called, served, cancelled,
-- expired, moved to another queue, deleted) as a departure (direction 1), in the same
-- transaction as the change. Waiting = arrivals - departures. Two rows per pair, so a
-- registration (an arrival) and a call (a departure) in one queue do not wait for each
-- other's row lock. Placement, GET /queues and the board read these few rows instead of
-- counting the waiting tickets. Every writer of tickets, turneroctl and hand-written SQL
-- included, goes through the triggers (TRUNCATE does not: never truncate tickets alone).
CREATE TABLE IF NOT EXISTS queue_waiting_counts (
  queue_id CHAR(36) NOT NULL,
  priority_level TINYINT UNSIGNED NOT NULL,
  direction TINYINT UNSIGNED NOT NULL,          -- 0 arrivals, 1 departures
  n BIGINT NOT NULL,
  PRIMARY KEY (queue_id, priority_level, direction)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS tr_tickets_waiting_insert;
CREATE TRIGGER tr_tickets_waiting_insert AFTER INSERT ON tickets FOR EACH ROW
BEGIN
  IF NEW.status = 'waiting' THEN
    INSERT INTO queue_waiting_counts (queue_id, priority_level, direction, n)
      VALUES (NEW.queue_id, NEW.priority_level, 0, 1) ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
END;

DROP TRIGGER IF EXISTS tr_tickets_waiting_update;
CREATE TRIGGER tr_tickets_waiting_update AFTER UPDATE ON tickets FOR EACH ROW
BEGIN
  IF OLD.status = 'waiting' AND (NEW.status <> 'waiting' OR NEW.queue_id <> OLD.queue_id
      OR NEW.priority_level <> OLD.priority_level) THEN
    INSERT INTO queue_waiting_counts (queue_id, priority_level, direction, n)
      VALUES (OLD.queue_id, OLD.priority_level, 1, 1) ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF NEW.status = 'waiting' AND (OLD.status <> 'waiting' OR NEW.queue_id <> OLD.queue_id
      OR NEW.priority_level <> OLD.priority_level) THEN
    INSERT INTO queue_waiting_counts (queue_id, priority_level, direction, n)
      VALUES (NEW.queue_id, NEW.priority_level, 0, 1) ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
END;

DROP TRIGGER IF EXISTS tr_tickets_waiting_delete;
CREATE TRIGGER tr_tickets_waiting_delete AFTER DELETE ON tickets FOR EACH ROW
BEGIN
  IF OLD.status = 'waiting' THEN
    INSERT INTO queue_waiting_counts (queue_id, priority_level, direction, n)
      VALUES (OLD.queue_id, OLD.priority_level, 1, 1) ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
END;

-- The tickets waiting when the triggers arrive (migrations run with the workers stopped).
DELETE FROM queue_waiting_counts;
INSERT INTO queue_waiting_counts (queue_id, priority_level, direction, n)
  SELECT queue_id, priority_level, 0, COUNT(*) FROM tickets WHERE status = 'waiting'
  GROUP BY queue_id, priority_level;
