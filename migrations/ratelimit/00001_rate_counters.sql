-- The limiters' counters shared by every ticketd on one database (application/access,
-- adapters/ratelimit/pglimits): one row per limiter and client key and time slot (a sixth
-- of the limiter's window). Each hit is one INSERT … ON CONFLICT … DO UPDATE; rows whose
-- slot has left every window (expires_at) are swept about once a minute.
--
-- UNLOGGED: the counts are worth a minute at most, so they skip the WAL (a hit costs no
-- disk flush); a crash of the server empties the table, which forgives every client once.

-- +goose Up
CREATE UNLOGGED TABLE rate_counters (
    key        text        NOT NULL,
    slot       bigint      NOT NULL,
    n          integer     NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (key, slot)
);
CREATE INDEX rate_counters_expires_at ON rate_counters (expires_at);

COMMENT ON TABLE rate_counters IS 'Limiter counts per client key and time slot, shared by the nodes; disposable.';

-- +goose Down
DROP TABLE rate_counters;
