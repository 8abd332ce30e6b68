-- The full-text search index of tickets (adapters/search/pgsearch, docs/SEARCH.md): one
-- row per message with the tokens of the Go analyzer (projections/searchtext), which
-- splits Chinese into characters and pairs, stems English and keeps ticket numbers and
-- emails whole; PostgreSQL's own text-search configurations do not split Chinese. A
-- query asks for rows whose terms contain every query token (terms @> $1), answered by
-- the GIN index. The checkpoint is written in the same transaction as the rows.

-- +goose Up
CREATE TABLE rm_search_documents (
    message_id text        PRIMARY KEY,
    ticket_id  uuid        NOT NULL,
    kind       text        NOT NULL,
    internal   boolean     NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL,
    terms      text[]      NOT NULL
);
CREATE INDEX rm_search_documents_terms ON rm_search_documents USING gin (terms) WITH (fastupdate = off);
CREATE INDEX rm_search_documents_ticket ON rm_search_documents (ticket_id);

CREATE TABLE rm_search_checkpoint (
    id       boolean PRIMARY KEY DEFAULT true CHECK (id), -- one row
    position bigint  NOT NULL
);

-- +goose Down
DROP TABLE rm_search_checkpoint;
DROP TABLE rm_search_documents;
