-- open_by_team: one row per ticket with its team, priority and whether it is open, for
-- the dashboards' open tickets per team and priority (a GROUP BY on it;
-- docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_open_by_team (
    ticket_id uuid PRIMARY KEY,
    version   bigint NOT NULL,
    team      text NOT NULL,
    priority  text NOT NULL,
    is_open   boolean NOT NULL
);
CREATE INDEX rm_open_by_team_open ON rm_open_by_team (team, priority) WHERE is_open;

-- +goose Down
DROP TABLE rm_open_by_team;
