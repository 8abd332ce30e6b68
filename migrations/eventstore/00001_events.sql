-- The event store: one row per event, in global order.
--
-- position is the global order, assigned from the single counter row in event_position,
-- which every append updates inside its transaction: the row lock serialises appends, so
-- positions are contiguous and become visible in order, and a reader that follows
-- "position > checkpoint" never skips an event (see docs/EVENTSTORES.md).
--
-- data and metadata are json, not jsonb, so the text is kept exactly as written.
-- metadata holds the whole envelope metadata; occurred_at, actor and correlation_id are
-- copies of its fields as plain columns for analysts' SQL.

-- +goose Up
CREATE TABLE events (
    position       bigint      PRIMARY KEY,
    stream         text        NOT NULL,
    version        bigint      NOT NULL CHECK (version >= 0),
    id             uuid        NOT NULL,
    type           text        NOT NULL,
    data           json        NOT NULL,
    metadata       json        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    actor          text        NOT NULL,
    correlation_id text,
    prev_hash      text        NOT NULL,
    hash           text        NOT NULL,
    CONSTRAINT events_id_key UNIQUE (id),
    CONSTRAINT events_stream_version_key UNIQUE (stream, version)
);

CREATE TABLE event_position (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last      bigint  NOT NULL
);
INSERT INTO event_position (singleton, last) VALUES (true, 0);

COMMENT ON TABLE events IS 'Every event of the ticket engine, immutable, in global order (position).';
COMMENT ON TABLE event_position IS 'The last assigned event position; its row lock serialises appends.';

-- +goose Down
DROP TABLE event_position;
DROP TABLE events;
