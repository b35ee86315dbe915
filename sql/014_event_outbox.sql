-- The webhook outbox of every ticket event, written by the database itself: each row of
-- ticket_events (one statement, one ticket; or the daily restart's expired events, many
-- at once) adds a pending delivery of type "ticket.<event>" for every active webhook
-- subscribed to it, in the event's transaction, so the relay sends only what was
-- committed. Before, the workers ran a second INSERT ... SELECT after each event: one
-- more round trip per event, and a writer that forgot it (a manual call did) sent none.
-- The id is a random version-4 UUID, as SQL_UUID4 in src/repo/stmt.c makes them.
DROP TRIGGER IF EXISTS tr_ticket_events_outbox;
CREATE TRIGGER tr_ticket_events_outbox AFTER INSERT ON ticket_events FOR EACH ROW
  INSERT INTO webhook_deliveries (id, webhook_id, type, seq, ticket_id, status, next_attempt_at, created_date)
    SELECT LOWER(CONCAT(HEX(RANDOM_BYTES(4)), '-', HEX(RANDOM_BYTES(2)), '-4', SUBSTR(HEX(RANDOM_BYTES(2)), 2), '-',
             HEX(8 + FLOOR(ASCII(RANDOM_BYTES(1)) / 64)), SUBSTR(HEX(RANDOM_BYTES(2)), 2), '-', HEX(RANDOM_BYTES(6)))),
           w.id, CONCAT('ticket.', NEW.event), NEW.seq, NEW.ticket_id, 'pending', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
      FROM webhooks w
     WHERE w.state = 1 AND (w.events = ',*,' OR LOCATE(CONCAT(',ticket.', NEW.event, ','), w.events) > 0);
