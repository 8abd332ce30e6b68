-- messages: each ticket's conversation for staff (GET /tickets/{id}/messages), and the
-- ticket list (GET /tickets), which reads rm_queue_tickets: that table holds every ticket,
-- open or not (is_open), so the list needs the customer's id as a column and indexes
-- in its order, newest first (docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_messages (
    ticket_id       uuid PRIMARY KEY,
    version         bigint NOT NULL,
    message_count   integer NOT NULL,
    last_message_at timestamptz,
    conversation    json NOT NULL
);

-- The customer's external id as the ticket was received with it; the rows already there
-- take it from their snapshot, so no rebuild is needed.
ALTER TABLE rm_queue_tickets ADD COLUMN customer_id text;
UPDATE rm_queue_tickets SET customer_id = NULLIF(state->'customer'->>'id', '');

-- GET /tickets: newest first (then id), alone or after one of the selective filters; the
-- others (category, priority, channel, from/to) are checked on the rows this order reads.
CREATE INDEX rm_queue_tickets_created ON rm_queue_tickets (created_at DESC, ticket_id DESC);
CREATE INDEX rm_queue_tickets_customer ON rm_queue_tickets (customer_id, created_at DESC, ticket_id DESC);
CREATE INDEX rm_queue_tickets_assignee ON rm_queue_tickets (assignee_id, created_at DESC, ticket_id DESC);
CREATE INDEX rm_queue_tickets_team ON rm_queue_tickets (team, created_at DESC, ticket_id DESC);
CREATE INDEX rm_queue_tickets_status ON rm_queue_tickets (status, created_at DESC, ticket_id DESC);

-- +goose Down
DROP INDEX rm_queue_tickets_status;
DROP INDEX rm_queue_tickets_team;
DROP INDEX rm_queue_tickets_assignee;
DROP INDEX rm_queue_tickets_customer;
DROP INDEX rm_queue_tickets_created;
ALTER TABLE rm_queue_tickets DROP COLUMN customer_id;
DROP TABLE rm_messages;
