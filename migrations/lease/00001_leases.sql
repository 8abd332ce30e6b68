-- +goose Up
-- The leases of the background duties (docs/SCALING.md): one row per lease name. holder
-- holds it under epoch until expires_at (the database's clock); a new holder takes the
-- row with epoch + 1, so epochs only grow. A released lease keeps its row and epoch, with
-- expires_at in the past.
CREATE TABLE leases (
    name       text PRIMARY KEY,
    holder     text NOT NULL,
    epoch      bigint NOT NULL CHECK (epoch > 0),
    expires_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE leases;
