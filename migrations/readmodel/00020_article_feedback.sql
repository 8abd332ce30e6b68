-- article_feedback: one row per article anyone voted on in "did this help?", its counts
-- (each visitor once, by their latest vote), folded from the articlefeedback-<id> streams
-- (docs/KNOWLEDGE.md, docs/READMODELS.md).
-- A new projection: it is built from position 0 at the next start.

-- +goose Up
CREATE TABLE rm_article_feedback (
    article_id  uuid PRIMARY KEY,
    version     bigint NOT NULL,
    helpful     integer NOT NULL,
    not_helpful integer NOT NULL
);

-- +goose Down
DROP TABLE rm_article_feedback;
