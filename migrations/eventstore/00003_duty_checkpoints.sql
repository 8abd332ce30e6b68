-- +goose Up
-- The checkpoints of background duties that fold the event log into a state of their own
-- (the policy view, docs/SCALING.md): the state as of position, saved by the holder of the
-- duty's lease under epoch. A save of an earlier epoch than the row's is refused, so a
-- former holder that wakes late cannot put an older state back.
CREATE TABLE duty_checkpoints (
    name     text PRIMARY KEY,
    epoch    bigint NOT NULL,
    position bigint NOT NULL,
    state    bytea NOT NULL,
    saved_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE duty_checkpoints;
