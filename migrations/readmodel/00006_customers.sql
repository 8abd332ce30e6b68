-- customers: one row per ticket with the customer record it belongs to and the customer
-- as the ticket received them; a record's tickets and counts are its rows
-- (docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_customer_tickets (
    ticket_id   uuid PRIMARY KEY,
    version     bigint NOT NULL,
    customer_id uuid NOT NULL,
    external_id text NOT NULL,
    email       text NOT NULL,
    name        text NOT NULL,
    phone       text NOT NULL,
    tier        text NOT NULL,
    language    text NOT NULL,
    is_open     boolean NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX rm_customer_tickets_customer ON rm_customer_tickets (customer_id, received_at);
CREATE INDEX rm_customer_tickets_external ON rm_customer_tickets (external_id) WHERE external_id <> '';

-- +goose Down
DROP TABLE rm_customer_tickets;
