-- History cannot be changed in the database either: a row trigger refuses UPDATE and
-- DELETE on events and a statement trigger refuses TRUNCATE, for every role, the
-- application's included. Appends (INSERT) are untouched, so ticketd and `ticketctl import`
-- work as before. Only the table's owner or a superuser can switch the triggers off
-- (ALTER TABLE events DISABLE TRIGGER …), and a change made that way is still found by
-- `ticketctl verify`, since every event's hash chains to the one before (docs/AUDIT.md).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % on events is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The event history is append-only; correct a ticket with a new event.';
END
$$;
-- +goose StatementEnd

CREATE TRIGGER events_immutable BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

COMMENT ON TRIGGER events_immutable ON events IS 'Refuses UPDATE and DELETE: the history is append-only.';
COMMENT ON TRIGGER events_no_truncate ON events IS 'Refuses TRUNCATE: the history is append-only.';

-- +goose Down
DROP TRIGGER events_no_truncate ON events;
DROP TRIGGER events_immutable ON events;
DROP FUNCTION events_refuse_change();
