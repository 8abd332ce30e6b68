package command

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/domain"
)

// What is sealed (docs/AUDIT.md "Erasure"): every field a customer's person or words are
// in. The ticket's customer (external id, name, email, phone), the subject and body they
// wrote, the names of the files their messages carry, their later replies and their
// rating's comment. Agents' replies, categories,
// tiers and ids stay plain. TicketCustomerVerified holds no personal field (a record id,
// a tier, due times).
func personalFields(e domain.Event) (domain.Event, []*string) {
	switch x := e.(type) {
	case domain.TicketReceived:
		c := &x.Customer
		x.Attachments = slices.Clone(x.Attachments) // sealed in place: not the caller's
		return &x, append([]*string{&c.ID, &c.Name, &c.Email, &c.Phone, &x.Subject, &x.Body}, filenames(x.Attachments)...)
	case domain.CustomerReplied:
		x.Attachments = slices.Clone(x.Attachments)
		return &x, append([]*string{&x.Body}, filenames(x.Attachments)...)
	case domain.TicketRated:
		return &x, []*string{&x.Comment}
	case domain.AutoMessageReceived:
		// An auto-reply quotes the customer's mail system; a bounce, the mail we sent them.
		x.Attachments = slices.Clone(x.Attachments)
		return &x, append([]*string{&x.Body}, filenames(x.Attachments)...)
	case domain.CustomerExternalIDLinked:
		return &x, []*string{&x.ID}
	case domain.CustomerContactAdded:
		return &x, []*string{&x.Email, &x.Phone}
	}
	return e, nil
}

// filenames are the names of the files a customer's message carries: personal data too.
func filenames(atts []domain.Attachment) []*string {
	out := make([]*string, len(atts))
	for i := range atts {
		out[i] = &atts[i].Filename
	}
	return out
}

// deref turns the copy personalFields made back into the event value.
func deref(e domain.Event) domain.Event {
	switch x := e.(type) {
	case *domain.TicketReceived:
		return *x
	case *domain.CustomerReplied:
		return *x
	case *domain.TicketRated:
		return *x
	case *domain.AutoMessageReceived:
		return *x
	case *domain.CustomerExternalIDLinked:
		return *x
	case *domain.CustomerContactAdded:
		return *x
	}
	return e
}

// ticketKeys names the key a ticket's personal fields are sealed with: its customer
// record's (the record it joined, else, while a self-service address is unconfirmed, the
// record of that email, which the confirmation joins: domain.CustomerRecordID), and the
// ticket's own id, the key used once that record was erased.
func ticketKeys(t *domain.Ticket, events []domain.Event) (record, own uuid.UUID) {
	st := t.State()
	c, own := st.Customer, st.ID
	for _, e := range events {
		if r, ok := e.(domain.TicketReceived); ok {
			c, own = r.Customer, r.TicketID
		}
	}
	if id, err := uuid.Parse(c.RecordID); err == nil && id != uuid.Nil {
		return id, own
	}
	if c.Email == "" {
		return own, own
	}
	return domain.CustomerRecordID(c.Email), own
}

// customerKeys names a customer record's own key (its CustomerRegistered is sealed by
// sealed, in customers.go, before it gets here).
func customerKeys(r *domain.CustomerRecord, events []domain.Event) (record, own uuid.UUID) {
	id := r.State().ID
	for _, e := range events {
		if x, ok := e.(domain.CustomerRegistered); ok {
			id = x.CustomerID
		}
	}
	return id, id
}

// sealEvents seals the personal fields of events about to be appended to stream, with
// the key of record, or of own when record's key is destroyed (its customer was erased:
// a later ticket or reply is sealed apart, and erasing the record again destroys it too).
func sealEvents(ctx context.Context, keys erasure.KeyStore, stream string, record, own uuid.UUID, events []domain.Event) ([]domain.Event, error) {
	var key []byte
	keyID := record
	for i, e := range events {
		cp, fields := personalFields(e)
		if fields == nil {
			continue
		}
		for _, f := range fields {
			if *f == "" {
				continue // nothing to hide; and an empty field stays "not given"
			}
			if key == nil {
				var err error
				if key, keyID, err = sealingKey(ctx, keys, record, own); err != nil {
					return nil, err
				}
			}
			sealed, err := erasure.SealIn(key, keyID, stream, *f)
			if err != nil {
				return nil, err
			}
			*f = sealed
		}
		events[i] = deref(cp)
	}
	return events, nil
}

func sealingKey(ctx context.Context, keys erasure.KeyStore, record, own uuid.UUID) ([]byte, uuid.UUID, error) {
	key, err := keys.Key(ctx, record)
	if errors.Is(err, erasure.ErrErased) && own != uuid.Nil && own != record {
		record = own
		key, err = keys.Key(ctx, own)
	}
	if err != nil {
		return nil, uuid.Nil, fmt.Errorf("data key %s: %w", record, err)
	}
	return key, record, nil
}
