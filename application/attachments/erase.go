package attachments

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// ReasonErasure is the reason AttachmentDeleted records when a customer's erasure removed
// the file.
const ReasonErasure = "erasure"

// EraseTicketFiles deletes the files of the customer on one ticket, for an erasure
// (docs/AUDIT.md "Erasure"): those the customer's messages carry (the first message,
// their replies: uploaded anonymously before the ticket, or on it) and those uploaded on
// the ticket and never attached. Staff files stay, as staff's words do. Each upload gets
// AttachmentDeleted{reason:"erasure"}, once; its file is removed unless another upload
// not deleted has the same content (as the sweeper does). Repeating it completes a
// failed one: a deleted upload whose file is still there loses it.
func (w *Sweeper) EraseTicketFiles(ctx context.Context, ticketID uuid.UUID, meta eventlog.Metadata) (int, error) {
	ids, err := w.svc.customerUploads(ctx, ticketID)
	if err != nil {
		return 0, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.catchUp(ctx); err != nil {
		return 0, err
	}
	ids = append(ids, w.byTicket[TicketUploader(ticketID)]...)
	n := 0
	for _, id := range ids {
		done, err := w.erase(ctx, id, meta)
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}

// erase deletes one upload for an erasure; it reports whether it recorded the deletion.
func (w *Sweeper) erase(ctx context.Context, id string, meta eventlog.Metadata) (bool, error) {
	st, err := w.svc.read(ctx, id)
	if err != nil || st.Version < 0 {
		return false, err
	}
	recorded := false
	if !st.Deleted {
		if _, err := w.svc.appendEvent(ctx, st, id, TypeDeleted, Deleted{Reason: ReasonErasure}, meta); err != nil {
			return false, fmt.Errorf("erase attachment %s: %w", id, err)
		}
		w.deleted(id)
		recorded = true
	}
	if w.live[st.SHA256] == 0 { // else another upload not deleted has the same content
		if err := w.svc.blobs.Delete(ctx, st.SHA256); err != nil {
			return recorded, fmt.Errorf("delete attachment file %s: %w", st.SHA256, err)
		}
	}
	return recorded, w.svc.destroyKey(ctx, id)
}

// destroyKey destroys the key an upload's filename is sealed with (sealName), if it has one.
func (s *Service) destroyKey(ctx context.Context, id string) error {
	uid, err := uuid.Parse(id)
	if s.keys == nil || err != nil {
		return nil
	}
	_, err = s.keys.Lookup(ctx, uid)
	switch {
	case errors.Is(err, application.ErrNotFound) || errors.Is(err, erasure.ErrErased):
		return nil
	case err != nil:
		return fmt.Errorf("data key of attachment %s: %w", id, err)
	}
	if err := s.keys.Destroy(ctx, uid); err != nil {
		return fmt.Errorf("destroy data key of attachment %s: %w", id, err)
	}
	return nil
}

// customerUploads lists the ids of the files the customer's messages on a ticket carry.
func (s *Service) customerUploads(ctx context.Context, ticketID uuid.UUID) ([]string, error) {
	recs, err := s.store.ReadStream(ctx, eventlog.TicketStream(ticketID))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range recs {
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			return nil, err
		}
		for _, a := range CustomerAttachments(e) {
			ids = append(ids, a.ID)
		}
	}
	return ids, nil
}

// CustomerAttachments are the attachments of a ticket event that the customer sent: those
// of the first message, of the customer's replies, and of the automatic messages about
// them (an out-of-office answer, a bounce, and the raw mail each came in as).
func CustomerAttachments(e domain.Event) []domain.Attachment {
	switch e := e.(type) {
	case domain.TicketReceived:
		return e.Attachments
	case domain.CustomerReplied:
		return e.Attachments
	case domain.AutoMessageReceived:
		return e.Attachments
	}
	return nil
}

// isTicketUploader reports whether an uploader is a ticket's customer (TicketUploader).
func isTicketUploader(uploader string) bool { return strings.HasPrefix(uploader, "ticket:") }
