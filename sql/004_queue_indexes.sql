-- Indexes for the registration path, measured with bench/run: placement and position count
-- a queue's waiting tickets by SLA, level and age from the index alone, and the estimated
-- wait reads the day's last served tickets of a queue in served order.
CREATE INDEX IF NOT EXISTS ix_tickets_queue_standing
  ON tickets (queue_id, status, sla_deadline, priority_level, created_date);
CREATE INDEX IF NOT EXISTS ix_tickets_queue_served
  ON tickets (queue_id, service_date, status, served_date);
