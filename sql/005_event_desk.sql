-- Desks (SPEC 8) record where a ticket was called; the event log (SPEC 10) shows it.
-- The desks table comes in a later migration, so no foreign key here.
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS desk_id CHAR(36) NULL AFTER to_queue_id;
