-- The queues keep their open tickets in working order: each ticket's place as the
-- projection computes it (projections.QueueOrder: the priority's rank; the nearest fixed
-- running due time and, for a waiting ticket, the nearest moving one as an offset from
-- now; Unix nanoseconds, 9223372036854775807 when none), and indexes in that order per
-- team, per assignee and for all, so a queue page reads its own rows (LIMIT) instead of
-- ranking every open ticket. The rows already there are filled here the way the
-- projection fills them (TestQueueOrderBackfill holds the two to the same values).

-- +goose Up
ALTER TABLE rm_queue_tickets
    ADD COLUMN queue_rank integer NOT NULL DEFAULT 5,
    ADD COLUMN queue_due bigint NOT NULL DEFAULT 9223372036854775807,
    ADD COLUMN queue_moving bigint NOT NULL DEFAULT 9223372036854775807;
-- backfill begin
WITH c AS (
    SELECT ticket_id,
        CASE priority WHEN 'P1' THEN 1 WHEN 'P2' THEN 2 WHEN 'P3' THEN 3 WHEN 'P4' THEN 4 ELSE 5 END AS rank,
        is_open AND first_responded_at IS NULL AS fr_runs, is_open AS res_runs,
        first_response_due AS fr, resolution_due AS res, waiting_since AS ws,
        (extract(epoch FROM first_response_due) * 1000000000)::bigint AS fr_ns,
        (extract(epoch FROM resolution_due) * 1000000000)::bigint AS res_ns,
        (extract(epoch FROM waiting_since) * 1000000000)::bigint AS ws_ns
    FROM rm_queue_tickets
), o AS (
    SELECT ticket_id, rank, (fr_runs AND fr IS NULL) OR (res_runs AND res IS NULL) AS none,
        LEAST(CASE WHEN fr_runs AND (ws IS NULL OR fr < ws) THEN fr_ns END,
              CASE WHEN res_runs AND (ws IS NULL OR res < ws) THEN res_ns END) AS due,
        LEAST(CASE WHEN fr_runs AND ws IS NOT NULL AND fr >= ws THEN fr_ns - ws_ns END,
              CASE WHEN res_runs AND ws IS NOT NULL AND res >= ws THEN res_ns - ws_ns END) AS moving
    FROM c
)
UPDATE rm_queue_tickets q SET queue_rank = o.rank,
    queue_due = CASE WHEN o.none OR o.due IS NULL THEN 9223372036854775807 ELSE o.due END,
    queue_moving = CASE WHEN o.none OR o.moving IS NULL THEN 9223372036854775807 ELSE o.moving END
FROM o WHERE q.ticket_id = o.ticket_id;
-- backfill end
CREATE INDEX rm_queue_tickets_order ON rm_queue_tickets (queue_rank, queue_due, created_at, ticket_id) WHERE is_open;
CREATE INDEX rm_queue_tickets_team_order ON rm_queue_tickets (team, queue_rank, queue_due, created_at, ticket_id) WHERE is_open;
CREATE INDEX rm_queue_tickets_assignee_order ON rm_queue_tickets (assignee_id, queue_rank, queue_due, created_at, ticket_id) WHERE is_open;
CREATE INDEX rm_queue_tickets_due_order ON rm_queue_tickets (queue_due, created_at, ticket_id) WHERE is_open;
CREATE INDEX rm_queue_tickets_moving ON rm_queue_tickets (queue_rank, queue_moving, created_at, ticket_id)
    WHERE is_open AND queue_moving < 9223372036854775807;
CREATE INDEX rm_queue_tickets_moving_due ON rm_queue_tickets (queue_moving, created_at, ticket_id)
    WHERE is_open AND queue_moving < 9223372036854775807;

-- +goose Down
DROP INDEX rm_queue_tickets_order, rm_queue_tickets_team_order, rm_queue_tickets_assignee_order,
    rm_queue_tickets_due_order, rm_queue_tickets_moving, rm_queue_tickets_moving_due;
ALTER TABLE rm_queue_tickets DROP COLUMN queue_rank, DROP COLUMN queue_due, DROP COLUMN queue_moving;
