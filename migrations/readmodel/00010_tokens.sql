-- tokens: one row per issued bearer token (role, subject, created and expiry times,
-- revoked or not), never the token or its hash: GET /tokens, and the tokens a
-- deactivation revokes (docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_tokens (
    token_id uuid PRIMARY KEY,
    version  bigint NOT NULL,
    subject  text NOT NULL,
    revoked  boolean NOT NULL,
    state    json NOT NULL
);
CREATE INDEX rm_tokens_subject ON rm_tokens (subject) WHERE NOT revoked;

-- +goose Down
DROP TABLE rm_tokens;
