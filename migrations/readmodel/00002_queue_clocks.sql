-- The queue orders and filters in SQL (priority, nearest running SLA due time, breached
-- now), which needs the first response time and the recorded breaches as columns.

-- +goose Up
ALTER TABLE rm_queue_tickets
    ADD COLUMN first_responded_at timestamptz,
    ADD COLUMN first_response_breached boolean NOT NULL DEFAULT false,
    ADD COLUMN resolution_breached boolean NOT NULL DEFAULT false;
UPDATE rm_queue_tickets SET
    first_responded_at = NULLIF((state->>'first_responded_at')::timestamptz, '0001-01-01T00:00:00Z'::timestamptz),
    first_response_breached = (state->>'first_response_breached')::boolean,
    resolution_breached = (state->>'resolution_breached')::boolean;

-- +goose Down
ALTER TABLE rm_queue_tickets
    DROP COLUMN first_responded_at,
    DROP COLUMN first_response_breached,
    DROP COLUMN resolution_breached;
