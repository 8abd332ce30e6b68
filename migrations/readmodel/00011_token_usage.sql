-- token_usage: when each bearer token was last used, written by the authenticator at
-- most once a minute per token (not an event per request); GET /tokens shows it. Not a
-- projection: nothing in the event log says it, and a rebuild leaves it alone.

-- +goose Up
CREATE TABLE rm_token_usage (
    token_id     uuid PRIMARY KEY,
    last_used_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE rm_token_usage;
