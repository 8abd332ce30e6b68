-- Term statistics of the search index (adapters/search/pgsearch, docs/KNOWLEDGE.md,
-- "Similar tickets"): how many messages hold each term, and how many messages there
-- are, kept exact by the index's writer in the same transaction as the rows. Similar
-- tickets weigh terms by them and choose the rare ones whose posting lists are read;
-- PostgreSQL's own statistics of a text[] (pg_stats.most_common_elems) list only the
-- few hundred most common terms, from a sample, and nothing of the rest.
-- Filled here from the rows already indexed.

-- +goose Up
CREATE TABLE rm_search_terms (
    term     text    PRIMARY KEY,
    messages integer NOT NULL -- messages holding the term, internal notes included
);
INSERT INTO rm_search_terms (term, messages)
    SELECT t, count(*) FROM rm_search_documents, unnest(terms) AS t GROUP BY t;

ALTER TABLE rm_search_checkpoint ADD COLUMN messages bigint NOT NULL DEFAULT 0;
UPDATE rm_search_checkpoint SET messages = (SELECT count(*) FROM rm_search_documents);

-- +goose Down
ALTER TABLE rm_search_checkpoint DROP COLUMN messages;
DROP TABLE rm_search_terms;
