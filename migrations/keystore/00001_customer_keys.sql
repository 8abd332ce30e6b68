-- +goose Up
-- The customers' data keys of crypto-shredding (docs/AUDIT.md "Erasure"): one row per key
-- id (a customer record, or a ticket sealed apart after its record's erasure). key holds
-- the data key wrapped with a key derived from the server key (TICKETS_SECRET_KEY), so a
-- dump of this table alone opens nothing; an erased row keeps no key, only erased_at, so
-- no new key is ever made for it.
CREATE TABLE customer_keys (
    customer_id uuid PRIMARY KEY,
    key         bytea,
    created_at  timestamptz NOT NULL DEFAULT now(),
    erased_at   timestamptz,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
);

-- +goose Down
DROP TABLE customer_keys;
