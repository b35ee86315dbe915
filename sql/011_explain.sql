-- Explanations and forecasts (SPEC 14): the wait range quoted at issue beside the quoted
-- wait, so GET /reports/estimates can say how often the real wait fell inside it.
-- NULL for tickets issued before this migration (they count as samples, not in the range share).
ALTER TABLE tickets
  ADD COLUMN IF NOT EXISTS quoted_wait_low INT UNSIGNED NULL AFTER quoted_wait_seconds,
  ADD COLUMN IF NOT EXISTS quoted_wait_high INT UNSIGNED NULL AFTER quoted_wait_low;
