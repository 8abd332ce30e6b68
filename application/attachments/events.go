// Package attachments is the use case of uploaded files: an upload is streamed to the
// blob store (the Blobs port) and recorded as an event of its own stream
// (attachment-<id>); a message that carries it claims it once, for its uploader
// (Claim); a staff member reads any, a customer only those of their ticket's public
// messages; an anonymous portal upload nobody claimed is deleted after a day (Sweeper).
//
// The event records the file's name, sniffed type, size and SHA-256: the hash chain of
// the log covers the file through it, `ticketctl verify` checks every file against it,
// and a file can be erased later with the erasure recorded (AttachmentDeleted).
package attachments

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Stored type names of an attachment stream's events. Never change one.
const (
	TypeUploaded = "AttachmentUploaded"
	TypeClaimed  = "AttachmentClaimed"
	TypeReleased = "AttachmentReleased"
	TypeDeleted  = "AttachmentDeleted"
)

// Uploaded is the first event of an attachment's stream: the file is durable in the blob
// store under SHA256 before it is appended. ExpiresAt is set on anonymous portal uploads:
// unclaimed then, they are deleted.
type Uploaded struct {
	ID          string     `json:"id"`
	Uploader    string     `json:"uploader"`
	Filename    string     `json:"filename"`
	ContentType string     `json:"content_type"`
	Size        int64      `json:"size"`
	SHA256      string     `json:"sha256"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
}

// Claimed records that one message references the upload. Claim identifies the request
// (its actor and idempotency key, or a fresh id), so that a repeat of the same request
// finds its own claim and goes on.
type Claimed struct {
	Claim string `json:"claim"`
}

// Released undoes a claim whose message was refused after the claim was made.
type Released struct {
	Claim string `json:"claim"`
}

// Deleted records that the file was removed: an unclaimed anonymous upload expired, or
// an erasure. The upload's event stays, so the log still says what there was.
type Deleted struct {
	Reason string `json:"reason"`
}

// State is an attachment's stream folded.
type State struct {
	Uploaded
	Claim   string // "" while unclaimed
	Deleted bool
	Version int64
	Hash    string
}

// Exists reports whether the stream held an upload not deleted.
func (s State) Exists() bool { return s.Version >= 0 && !s.Deleted }

// Attachment is the upload as a message carries it.
func (s State) Attachment() domain.Attachment {
	return domain.Attachment{ID: s.ID, Filename: s.Filename, ContentType: s.ContentType, Size: s.Size, SHA256: s.SHA256}
}

// Fold folds an attachment stream's records.
func Fold(recs []eventlog.Record) (State, error) {
	st := State{Version: -1}
	for _, r := range recs {
		if err := st.apply(r); err != nil {
			return State{}, err
		}
	}
	return st, nil
}

func (s *State) apply(r eventlog.Record) error {
	var err error
	switch r.Type {
	case TypeUploaded:
		err = json.Unmarshal(r.Data, &s.Uploaded)
	case TypeClaimed:
		var c Claimed
		err = json.Unmarshal(r.Data, &c)
		s.Claim = c.Claim
	case TypeReleased:
		s.Claim = ""
	case TypeDeleted:
		s.Deleted = true
	default:
		err = fmt.Errorf("%w: unknown attachment event type %q", application.ErrInvalid, r.Type)
	}
	if err != nil {
		return fmt.Errorf("%s v%d: %w", r.Stream, r.Version, err)
	}
	s.Version, s.Hash = r.Version, r.Hash
	return nil
}
