-- +goose Up
-- The desk's signed-in browsers (application/auth.Sessions), shared by every ticketd on
-- the database: a session started on one node opens on every other, and sign-out or a
-- deactivation on one ends it on all. id_hash is the SHA-256 (hex) of the cookie's id,
-- never the id: a copy of the table opens no session. A session ends when last_seen is
-- older than the idle limit or at expires_at (created_at + the absolute limit).
CREATE TABLE desk_sessions (
    id_hash    text PRIMARY KEY,
    account_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX desk_sessions_account ON desk_sessions (account_id);
CREATE INDEX desk_sessions_last_seen ON desk_sessions (last_seen);

-- +goose Down
DROP TABLE desk_sessions;
