-- Explanations and forecasts (SPEC 14): the wait range quoted at issue beside the quoted
-- wait, so GET /reports/estimates can say how often the real wait fell inside it.
-- NULL for tickets issued before this migration (they count as samples, not in the range share).
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS quoted_wait_low INT UNSIGNED NULL AFTER quoted_wait_seconds,
  ADD COLUMN IF NOT EXISTS quoted_wait_high INT UNSIGNED NULL AFTER quoted_wait_low;
-- A `called` event of POST /tickets/{id}/call (a call out of order), for GET /reports/fairness.
-- Not part of the event's API shape (its reason stays null, as SPEC 5 has it).
ALTER TABLE ticket_events ADD COLUMN IF NOT EXISTS out_of_order BOOLEAN NOT NULL DEFAULT FALSE;
