package command

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// EraseCustomer erases a customer's personal data (PIPL, GDPR; docs/AUDIT.md "Erasure").
// Tickets are the record's tickets as the read side lists them (unconfirmed
// self-service tickets of its email among them): the command side keeps no index of a
// record's tickets.
type EraseCustomer struct {
	CustomerID uuid.UUID
	Tickets    []uuid.UUID
}

// ErasedCustomer is the answer: the record after the erasure.
type ErasedCustomer struct {
	Record domain.CustomerRecordState
}

// EraseCustomerHandler handles EraseCustomer.
type EraseCustomerHandler struct {
	s     streams
	keys  erasure.KeyStore
	files CustomerFiles
}

// CustomerFiles deletes the files of a ticket's customer for an erasure, each deletion
// recorded (AttachmentDeleted{reason:"erasure"}) and idempotent: application/attachments'
// Sweeper.
type CustomerFiles interface {
	EraseTicketFiles(ctx context.Context, ticketID uuid.UUID, meta eventlog.Metadata) (int, error)
}

// WithFiles gives the handler the attachments' files to erase; without them (no
// attachments configured) an erasure reaches keys and events only.
func (h EraseCustomerHandler) WithFiles(f CustomerFiles) EraseCustomerHandler {
	h.files = f
	return h
}

// NewEraseCustomerHandler returns the handler on its ports; it panics when store or clock
// is nil. Without keys (nil) every erasure fails: the data would stay in plain.
func NewEraseCustomerHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache, keys erasure.KeyStore) EraseCustomerHandler {
	return EraseCustomerHandler{s: newStreams("EraseCustomerHandler", store, clock, cache), keys: keys}
}

// Handle records CustomerErased on the record (once), destroys the record's key and the
// tickets' own keys (those a ticket received after an earlier erasure was sealed with),
// then records TicketCustomerErased on each ticket (once) and deletes the customer's
// files there (CustomerFiles), so the read models and this
// process's stream cache forget the customer without a rebuild. Every step is idempotent:
// a failed erasure is completed by repeating it, and erasing again reaches tickets
// received since.
func (h EraseCustomerHandler) Handle(ctx context.Context, c EraseCustomer, meta CommandMeta) (ErasedCustomer, error) {
	if h.keys == nil {
		return ErasedCustomer{}, fmt.Errorf("%w: erasure needs a key store for this event store", application.ErrUnavailable)
	}
	out, err := update(ctx, h.s, eventlog.CustomerStream(c.CustomerID), meta, customerFolder, func(r *domain.CustomerRecord, _ time.Time) ([]domain.Event, error) {
		return r.Erase(c.CustomerID, meta.Actor)
	})
	if err != nil {
		return ErasedCustomer{}, err
	}
	if err := h.keys.Destroy(ctx, c.CustomerID); err != nil {
		return ErasedCustomer{}, fmt.Errorf("destroy data key %s: %w", c.CustomerID, err)
	}
	for _, t := range c.Tickets {
		if err := h.eraseTicket(ctx, c.CustomerID, t, meta); err != nil {
			return ErasedCustomer{}, err
		}
	}
	st := out.Agg.State()
	st.ID = c.CustomerID
	return ErasedCustomer{Record: st}, nil
}

// eraseTicket destroys the ticket's own key, if it has one, and records the erasure on it.
func (h EraseCustomerHandler) eraseTicket(ctx context.Context, record, id uuid.UUID, meta CommandMeta) error {
	_, err := h.keys.Lookup(ctx, id)
	switch {
	case err == nil:
		if err := h.keys.Destroy(ctx, id); err != nil {
			return fmt.Errorf("destroy data key %s: %w", id, err)
		}
	case !errors.Is(err, application.ErrNotFound) && !errors.Is(err, erasure.ErrErased):
		return fmt.Errorf("data key %s: %w", id, err)
	}
	internal := CommandMeta{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}
	_, err = update(ctx, h.s, eventlog.TicketStream(id), internal, ticketFolder, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.EraseCustomer(record, meta.Actor)
	})
	if err != nil || h.files == nil {
		return err
	}
	m := eventlog.Metadata{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}
	if _, err := h.files.EraseTicketFiles(ctx, id, m); err != nil {
		return fmt.Errorf("erase the files of ticket %s: %w", id, err)
	}
	return nil
}
