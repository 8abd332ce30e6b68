package inbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Files is where a message's files are kept: the attachments service.
type Files interface {
	Upload(ctx context.Context, u attachments.Upload, r io.Reader) (domain.Attachment, error)
	Claim(ctx context.Context, uploader string, ids []string, claim string, meta eventlog.Metadata) ([]domain.Attachment, error)
}

var _ Files = (*attachments.Service)(nil)

// maxFiles is how many files one message keeps (the domain's limit per message); the
// raw message counts as one.
const maxFiles = 20

// keepFiles uploads the message's files and the raw message, and claims them for its
// event. A file the service will not take (a type off the allow-list, too large, empty)
// is left out with a line saying so in the log: a message is cleaned, never refused
// whole. A file taken twice (the retry after a crash) is stored once by content; its
// first upload stays unclaimed.
func (in *Intake) keepFiles(ctx context.Context, m Message, meta command.CommandMeta) ([]domain.Attachment, error) {
	if in.files == nil {
		return nil, nil
	}
	files := m.Files
	if m.Raw != nil {
		files = append(files[:len(files):len(files)], *m.Raw)
	}
	raw := len(files) - 1 // the raw message, when there is one, is stored as what it is
	em := eventlog.Metadata{Actor: meta.Actor, IdempotencyKey: meta.IdempotencyKey}
	var ids []string
	seen := map[string]bool{}
	for i, f := range files {
		if len(ids) == maxFiles {
			slog.WarnContext(ctx, "inbound: file left out", "source", m.Source, "file", f.Name, "reason", "more than 20 files")
			continue
		}
		up := attachments.Upload{Uploader: meta.Actor, Filename: f.Name, Meta: em}
		if m.Raw != nil && i == raw {
			up.AsType = m.Raw.ContentType
		}
		a, err := in.files.Upload(ctx, up, bytes.NewReader(f.Data))
		if err != nil {
			if refusedFile(err) {
				slog.WarnContext(ctx, "inbound: file left out", "source", m.Source, "file", f.Name, "reason", err.Error())
				continue
			}
			return nil, fmt.Errorf("keep %q: %w", f.Name, err)
		}
		if seen[a.Filename] {
			continue // the domain wants each name once
		}
		seen[a.Filename] = true
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return in.files.Claim(ctx, meta.Actor, ids, attachments.ClaimKey(meta.Actor, meta.IdempotencyKey), em)
}

// refusedFile reports whether the service refused the file itself (its type, size, name)
// rather than failed to store it.
func refusedFile(err error) bool {
	var ve *domain.ValidationError
	return errors.As(err, &ve) || errors.Is(err, attachments.ErrTooLarge) || errors.Is(err, attachments.ErrType)
}
