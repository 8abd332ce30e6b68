-- The read models: rows the projections derive from the event store. They are part of the
-- public interface (analysts point SQL and BI tools at them); docs/READMODELS.md explains
-- every column. Each table carries the snapshot the projection folds further events into
-- (state, fact: json, not jsonb: written often, read back whole, never searched); the
-- plain columns are derived from it at every write.

-- +goose Up
CREATE TABLE readmodel_checkpoints (
    projection text PRIMARY KEY,
    position   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rm_queue_tickets (
    ticket_id          uuid PRIMARY KEY,
    number             text NOT NULL,
    version            bigint NOT NULL,
    status             text NOT NULL,
    is_open            boolean NOT NULL,
    team               text NOT NULL,
    assignee_id        uuid,
    assignee_name      text,
    priority           text NOT NULL,
    category           text,
    tier               text NOT NULL,
    channel            text NOT NULL,
    first_response_due timestamptz,
    resolution_due     timestamptz,
    waiting_since      timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    state              json NOT NULL
);
CREATE INDEX rm_queue_tickets_open_assignee ON rm_queue_tickets (assignee_id) WHERE is_open;
CREATE INDEX rm_queue_tickets_open_team ON rm_queue_tickets (team, priority) WHERE is_open;

CREATE TABLE rm_portal_tickets (
    ticket_id      uuid PRIMARY KEY,
    number         text NOT NULL,
    version        bigint NOT NULL,
    status         text NOT NULL,
    subject        text NOT NULL,
    assignee_name  text,
    resolution_due timestamptz,
    state          json NOT NULL
);

CREATE TABLE rm_portal_timeline (
    ticket_id uuid NOT NULL,
    version   bigint NOT NULL,
    at        timestamptz NOT NULL,
    kind      text NOT NULL,
    text      text NOT NULL,
    PRIMARY KEY (ticket_id, version)
);

CREATE TABLE rm_kpi_tickets (
    ticket_id               uuid PRIMARY KEY,
    version                 bigint NOT NULL,
    received_at             timestamptz NOT NULL,
    received_day            date NOT NULL,
    channel                 text NOT NULL,
    tier                    text NOT NULL,
    category                text,
    team                    text NOT NULL,
    agent_id                uuid,
    agent_name              text,
    priority                text NOT NULL,
    status                  text NOT NULL,
    is_resolved             boolean NOT NULL,
    first_response_at       timestamptz,
    first_response_due      timestamptz,
    first_response_breached boolean NOT NULL,
    last_resolved_at        timestamptz,
    resolution_due          timestamptz,
    resolution_breached     boolean NOT NULL,
    waiting_since           timestamptz,
    waiting_seconds         double precision NOT NULL,
    first_response_seconds  double precision,
    resolution_seconds      double precision,
    public_replies          integer NOT NULL,
    resolutions             integer NOT NULL,
    escalated               boolean NOT NULL,
    reopened                boolean NOT NULL,
    fcr                     boolean NOT NULL,
    ratings                 integer NOT NULL,
    rating_sum              integer NOT NULL,
    ratings_satisfied       integer NOT NULL,
    closed_periods          tstzmultirange NOT NULL,
    fact                    json NOT NULL
);
CREATE INDEX rm_kpi_tickets_received_at ON rm_kpi_tickets (received_at);

CREATE TABLE rm_agents (
    agent_id  uuid PRIMARY KEY,
    version   bigint NOT NULL,
    name      text NOT NULL,
    email     text NOT NULL,
    team      text NOT NULL,
    skills    text[] NOT NULL,
    capacity  integer NOT NULL,
    language  text NOT NULL,
    online    boolean NOT NULL,
    state     json NOT NULL
);

-- +goose Down
DROP TABLE rm_agents;
DROP TABLE rm_kpi_tickets;
DROP TABLE rm_portal_timeline;
DROP TABLE rm_portal_tickets;
DROP TABLE rm_queue_tickets;
DROP TABLE readmodel_checkpoints;
