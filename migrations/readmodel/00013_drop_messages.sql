-- drop_messages: GET /tickets/{id}/messages reads the ticket's stream in the event store
-- (as GET /tickets/{id} does), so no read model keeps the conversation any more: message
-- bodies were the largest part of the memory read models, and a copy of them outside the
-- event log would outlive a customer's erasure until a rebuild (docs/READMODELS.md "The
-- conversation"). The projection's checkpoint and recorded failures go with its table.

-- +goose Up
DROP TABLE rm_messages;
DELETE FROM readmodel_checkpoints WHERE projection = 'messages';
DELETE FROM projection_failures WHERE projection = 'messages';

-- +goose Down
-- Empty, with no checkpoint: a build that has the projection refills it from position 0.
CREATE TABLE rm_messages (
    ticket_id       uuid PRIMARY KEY,
    version         bigint NOT NULL,
    message_count   integer NOT NULL,
    last_message_at timestamptz,
    conversation    json NOT NULL
);
