-- portal_attachments: the files of the public messages the customer's timeline shows
-- (POST /attachments and the attachments of replies), as JSON text:
-- [{"id","filename","content_type","size"}]; NULL for an entry without any. Rows already
-- there had none.

-- +goose Up
ALTER TABLE rm_portal_timeline ADD COLUMN attachments text;

-- +goose Down
ALTER TABLE rm_portal_timeline DROP COLUMN attachments;
