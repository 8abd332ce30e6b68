package attachments

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// File is an attachment opened for download.
type File struct {
	domain.Attachment
	Body io.ReadCloser
}

// Open is a staff download: any upload not deleted.
func (s *Service) Open(ctx context.Context, id string) (File, error) {
	st, err := s.Get(ctx, id)
	if err != nil {
		return File{}, err
	}
	return s.open(ctx, st.Attachment())
}

// OpenForTicket is the customer's download: only a file one of the ticket's public
// messages carries (the customer's own, staff's public replies; never an internal
// note's). Anything else is the same not-found as an unknown id, so the customer learns
// nothing about other tickets' files or the notes.
func (s *Service) OpenForTicket(ctx context.Context, ticketID uuid.UUID, id string) (File, error) {
	recs, err := s.store.ReadStream(ctx, eventlog.TicketStream(ticketID))
	if err != nil {
		return File{}, err
	}
	for _, r := range recs {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return File{}, err
		}
		i := slices.IndexFunc(PublicAttachments(e), func(a domain.Attachment) bool { return a.ID == id })
		if i < 0 {
			continue
		}
		if _, err := s.Get(ctx, id); err != nil { // deleted since (an erasure)
			return File{}, err
		}
		return s.open(ctx, PublicAttachments(e)[i])
	}
	return File{}, fmt.Errorf("%w: attachment %q", application.ErrNotFound, id)
}

// PublicAttachments are the attachments a ticket event shows the customer: those of the
// first message, of the customer's replies and of public staff replies.
func PublicAttachments(e domain.Event) []domain.Attachment {
	switch e := e.(type) {
	case domain.TicketReceived:
		return e.Attachments
	case domain.CustomerReplied:
		return e.Attachments
	case domain.TicketReplied:
		if e.Public {
			return e.Attachments
		}
	}
	return nil
}

func (s *Service) open(ctx context.Context, a domain.Attachment) (File, error) {
	body, err := s.blobs.Open(ctx, a.SHA256)
	if err != nil {
		return File{}, fmt.Errorf("open attachment %s: %w", a.ID, err)
	}
	return File{Attachment: a, Body: body}, nil
}
