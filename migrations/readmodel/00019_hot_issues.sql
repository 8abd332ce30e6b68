-- hot_issues: what the hot-issue counts read (one row per ticket: when it was received,
-- its category, team and tags now, the significant terms of its first message) and the
-- spikes raised (HotIssueDetected). docs/HOT-ISSUES.md, docs/READMODELS.md.
-- New projections: they are built from position 0 at the next start.

-- +goose Up
CREATE TABLE rm_hot_tickets (
    ticket_id   uuid PRIMARY KEY,
    version     bigint NOT NULL,
    received_at timestamptz,
    category    text,
    team        text NOT NULL,
    tags        text[] NOT NULL DEFAULT '{}',
    terms       text[] NOT NULL DEFAULT '{}',
    snapshot    json NOT NULL
);
CREATE INDEX rm_hot_tickets_received ON rm_hot_tickets (received_at);

CREATE TABLE rm_hot_spikes (
    spike_id     uuid PRIMARY KEY,
    version      bigint NOT NULL,
    series       text NOT NULL,
    window_start timestamptz,
    count        integer NOT NULL,
    baseline     double precision NOT NULL,
    detected_at  timestamptz,
    snapshot     json NOT NULL
);
CREATE INDEX rm_hot_spikes_window ON rm_hot_spikes (window_start);

-- +goose Down
DROP TABLE rm_hot_spikes;
DROP TABLE rm_hot_tickets;
