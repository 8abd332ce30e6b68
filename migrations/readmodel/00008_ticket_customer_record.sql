-- ticket_customer_record: rm_queue_tickets.customer_id, the column GET /tickets?customer=
-- filters on, holds the ticket's customer record from now on (projections.RecordOf), no
-- longer the external id the ticket was received with (docs/READMODELS.md).
--
-- Rows whose snapshot names the record the ticket joined get it here. A ticket received
-- before records existed belongs to the record of its email, a UUIDv5 of the lower-cased
-- email (domain.CustomerRecordID), which PostgreSQL cannot compute without an extension
-- (no SHA-1 in core): those rows, and unconfirmed self-service tickets (no record), are
-- NULL until `ticketctl rebuild queues` (or POST /admin/rebuild/queues) refills the table.

-- +goose Up
UPDATE rm_queue_tickets SET customer_id = CASE
    WHEN coalesce(state->>'unverified', 'false') = 'true' THEN NULL
    WHEN lower(state->'customer'->>'record_id') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
         AND state->'customer'->>'record_id' <> '00000000-0000-0000-0000-000000000000'
        THEN lower(state->'customer'->>'record_id')
    ELSE NULL
END;

-- +goose Down
UPDATE rm_queue_tickets SET customer_id = NULLIF(state->'customer'->>'id', '');
