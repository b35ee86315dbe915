-- The ticket export (GET /reports/tickets.csv) pages through a date range in
-- (service_date, created_date, id) order; this index serves each page without a sort.
CREATE INDEX IF NOT EXISTS ix_tickets_export ON tickets (service_date, created_date, id);
