package attachments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Upload is one file being uploaded.
type Upload struct {
	// Uploader is who may claim it: a staff actor ("agent:<id>", "admin"), a ticket's
	// customer (TicketUploader), or an anonymous portal client (its pseudonymous actor).
	Uploader string
	// Filename as the client sent it; CleanFilename makes it the stored name.
	Filename string
	// Anonymous uploads (before a ticket exists) expire unclaimed after the retention.
	Anonymous bool
	Meta      eventlog.Metadata
	// AsType, when set, is the type the file is stored as instead of the sniffed one: for
	// files the engine itself knows the type of (the raw source of a mail that came in,
	// message/rfc822, which sniffs as octet-stream when its bytes are not valid text). It
	// must still be on the allow-list.
	AsType string
}

// TicketUploader is the uploader of a file the customer uploads on their ticket: only
// that ticket's portal replies may claim it.
func TicketUploader(ticketID uuid.UUID) string { return "ticket:" + ticketID.String() }

// Upload streams r to the blob store and records the upload. The type is sniffed from
// the first bytes and checked against the allow-list before anything is stored; the size
// is counted as the file streams, and a file over the limit is refused (ErrTooLarge)
// with nothing left behind. The file is durable before its event is appended.
func (s *Service) Upload(ctx context.Context, u Upload, r io.Reader) (domain.Attachment, error) {
	name, err := CleanFilename(u.Filename)
	if err != nil {
		return domain.Attachment{}, err
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return domain.Attachment{}, err
	}
	if n == 0 {
		return domain.Attachment{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "file", Message: "is empty"}}}
	}
	ctype := sniff(head[:n])
	if u.AsType != "" {
		ctype = u.AsType
	}
	if err := checkType(s.types, ctype); err != nil {
		return domain.Attachment{}, err
	}
	body := &limited{r: io.MultiReader(bytes.NewReader(head[:n]), r), left: s.maxSize}
	sum, size, err := s.blobs.Put(ctx, body)
	if err != nil {
		return domain.Attachment{}, fmt.Errorf("store attachment: %w", err)
	}
	uid := uuid.New() // random: an anonymous upload's id is all that names it
	id := uid.String()
	stored, err := s.sealName(ctx, u, uid, name)
	if err != nil {
		return domain.Attachment{}, err
	}
	e := Uploaded{ID: id, Uploader: u.Uploader, Filename: stored, ContentType: ctype, Size: size, SHA256: sum}
	if u.Anonymous {
		exp := eventlog.Truncate(s.clock.Now().Add(s.retention))
		e.ExpiresAt = &exp
	}
	st, err := s.appendEvent(ctx, State{Version: -1}, id, TypeUploaded, e, u.Meta)
	if err != nil {
		return domain.Attachment{}, fmt.Errorf("record attachment: %w", err)
	}
	st.Filename = name
	return st.Attachment(), nil
}

// sealName seals the filename of a customer's upload (on their ticket, or anonymous before
// it) with a data key of the upload's own, named by its id: a filename is personal data,
// and no customer record is known yet when an anonymous file arrives. An erasure that
// deletes the upload destroys that key (EraseTicketFiles). Staff uploads stay plain.
func (s *Service) sealName(ctx context.Context, u Upload, id uuid.UUID, name string) (string, error) {
	if s.keys == nil || !(u.Anonymous || isTicketUploader(u.Uploader)) {
		return name, nil
	}
	key, err := s.keys.Key(ctx, id)
	if err != nil {
		return "", fmt.Errorf("data key of attachment %s: %w", id, err)
	}
	return erasure.SealIn(key, id, Stream(id.String()), name)
}

// limited reads at most left bytes and fails with ErrTooLarge on the byte after.
type limited struct {
	r    io.Reader
	left int64
}

func (l *limited) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, ErrTooLarge
	}
	return n, err
}
