-- articles: one row per knowledge-base article (docs/KNOWLEDGE.md): its workflow status,
-- the category of its latest revision, the revision live in the help center (0: none),
-- how many revisions it has, and its whole state (every revision, author and approver)
-- as JSON (docs/READMODELS.md).

-- +goose Up
CREATE TABLE rm_articles (
    article_id    uuid PRIMARY KEY,
    version       bigint NOT NULL,
    status        text NOT NULL,
    category      text NOT NULL,
    live_revision integer NOT NULL,
    revisions     integer NOT NULL,
    state         json NOT NULL
);

-- +goose Down
DROP TABLE rm_articles;
