-- The records a projection skipped because it cannot project them (they do not decode,
-- their fold panicked, or the row they make cannot be stored): one row per projection
-- and record, written with the checkpoint that moves past it (docs/READMODELS.md).

-- +goose Up
CREATE TABLE projection_failures (
    projection text        NOT NULL,
    position   bigint      NOT NULL,
    event_id   uuid        NOT NULL,
    stream     text        NOT NULL,
    type       text        NOT NULL,
    error      text        NOT NULL,
    failed_at  timestamptz NOT NULL,
    PRIMARY KEY (projection, position)
);

-- +goose Down
DROP TABLE projection_failures;
