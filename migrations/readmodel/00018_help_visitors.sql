-- help_visitors: one row per help-center browser (the random id of its cookie, never a
-- name or address): the articles it read and when it opened tickets, as JSON, for the
-- deflections of GET /reports/kpi (docs/KNOWLEDGE.md, docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_help_visitors (
    visitor_id uuid PRIMARY KEY,
    version    bigint NOT NULL,
    state      json NOT NULL
);

-- +goose Down
DROP TABLE rm_help_visitors;
