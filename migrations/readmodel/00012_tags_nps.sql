-- tags_nps: tickets' tags (GET /queues?tag=, GET /tickets?tag=, the KPI report's tag
-- filter and group_by=tag) and the customers' NPS answers (the KPI report's nps).
-- No ticket had tags or an NPS answer before this version, so the defaults are every
-- existing row's true values: no rebuild is needed.

-- +goose Up
ALTER TABLE rm_queue_tickets ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX rm_queue_tickets_tags ON rm_queue_tickets USING gin (tags);

ALTER TABLE rm_kpi_tickets
    ADD COLUMN tags           text[]  NOT NULL DEFAULT '{}',
    ADD COLUMN nps_responses  integer NOT NULL DEFAULT 0,
    ADD COLUMN nps_promoters  integer NOT NULL DEFAULT 0,
    ADD COLUMN nps_detractors integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE rm_kpi_tickets DROP COLUMN tags, DROP COLUMN nps_responses,
    DROP COLUMN nps_promoters, DROP COLUMN nps_detractors;
DROP INDEX rm_queue_tickets_tags;
ALTER TABLE rm_queue_tickets DROP COLUMN tags;
