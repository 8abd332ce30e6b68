package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// TypeCustomerExternalIDReserved is the one event of a customerext-<digest> stream: the
// external id belongs to this customer record. It is appended only where the stream
// does not exist, so two receives racing for one new external id agree on one record.
const TypeCustomerExternalIDReserved = "CustomerExternalIDReserved"

// ExternalIDReservation is the data of TypeCustomerExternalIDReserved.
type ExternalIDReservation struct {
	CustomerID uuid.UUID `json:"customer_id"`
}

// ExternalIDStream is the reservation stream of an external id: the SHA-256 of source,
// NUL and id, so the stream name has a fixed form whatever the caller's id looks like.
func ExternalIDStream(x domain.ExternalID) string {
	return eventlog.CustomerExternalIDStreamPrefix + auth.HashSecret(x.Source+"\x00"+x.ID)
}

// customerFolder folds customer record streams.
var customerFolder = folder[*domain.CustomerRecord]{
	keys:  customerKeys,
	fresh: domain.NewCustomerRecord,
	state: func(c *domain.CustomerRecord) any { return c.State() },
	restore: func(s any) (*domain.CustomerRecord, bool) {
		st, ok := s.(domain.CustomerRecordState)
		return domain.RestoreCustomerRecord(st), ok
	},
	apply: func(c *domain.CustomerRecord, r eventlog.Record) error {
		e, err := domain.DecodeCustomerEvent(r.Type, r.Data)
		if err != nil {
			return undecodable(r, err)
		}
		c.Apply(e)
		return nil
	},
}

// FoldCustomer replays a customer record's records.
func FoldCustomer(recs []eventlog.Record) (*domain.CustomerRecord, error) {
	return customerFolder.fold(recs)
}

// ReservedCustomer returns the record an external id is reserved for (uuid.Nil: none).
func ReservedCustomer(ctx context.Context, store eventlog.EventStore, x domain.ExternalID) (uuid.UUID, error) {
	recs, err := store.ReadStream(ctx, ExternalIDStream(x))
	if err != nil || len(recs) == 0 {
		return uuid.Nil, err
	}
	var r ExternalIDReservation
	if err := json.Unmarshal(recs[0].Data, &r); err != nil || r.CustomerID == uuid.Nil {
		return uuid.Nil, fmt.Errorf("reservation %s does not decode: %v", recs[0].Stream, err)
	}
	return r.CustomerID, nil
}

// joinCustomer finds the record a received ticket joins, making it when there is none:
// by external id (its reservation stream), else by email (the record made for an email
// has the id domain.CustomerRecordID derives from it), else by phone (the reservation
// of its normalized number: a customer without an email), else a new record with the id
// domain.CustomerRecordIDOf derives (of the email, else the external id, else the phone).
// Every step is an append where nothing may exist yet, so concurrent receives agree:
// the loser of a race reads the winner's record. A crash between steps leaves a
// reservation or a record that the next receive for the customer completes.
//
// source is the intake that gave c.ID ("" is the API's): external ids are kept per source.
func joinCustomer(ctx context.Context, s streams, keys erasure.KeyStore, secrets *auth.Secrets, c domain.Customer, source string, meta CommandMeta) (domain.CustomerRecordState, error) {
	internal := CommandMeta{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}
	var ext *domain.ExternalID
	if c.ID != "" {
		if source == "" {
			source = domain.SourceAPI
		}
		ext = &domain.ExternalID{Source: source, ID: c.ID}
	}
	phone := phoneKey(secrets, c.Phone)
	id, err := findCustomer(ctx, s, c, ext, phone, internal)
	if err != nil {
		return domain.CustomerRecordState{}, err
	}
	email, err := claimEmail(ctx, s, c.Email, id, internal)
	if err != nil {
		return domain.CustomerRecordState{}, err
	}
	decide := func(r *domain.CustomerRecord, _ time.Time) ([]domain.Event, error) {
		if !r.Exists() {
			return sealed(ctx, keys, id)(domain.RegisterCustomer(id, c, ext))
		}
		var out []domain.Event
		if ext != nil {
			link, err := r.LinkExternalID(*ext)
			if err != nil {
				return nil, err
			}
			out = link
		}
		contact, err := r.AddContact(email, c.Phone)
		return append(out, contact...), err
	}
	// A busy record (many new external ids at once) may lose a few races in a row; the
	// reservation already ties the external id to the record, so the link may be left to
	// the customer's next ticket rather than failing this one.
	for range linkAttempts {
		out, err := update(ctx, s, eventlog.CustomerStream(id), internal, customerFolder, decide)
		if err == nil {
			return out.Agg.State(), reservePhone(ctx, s, phone, id, internal)
		}
		if !errors.Is(err, application.ErrConflict) {
			return domain.CustomerRecordState{}, err
		}
	}
	recs, err := s.store.ReadStream(ctx, eventlog.CustomerStream(id))
	if err != nil {
		return domain.CustomerRecordState{}, err
	}
	r, err := customerFolder.fold(recs)
	if err == nil && !r.Exists() {
		err = fmt.Errorf("%w: customer record %s lost every race", application.ErrConflict, id)
	}
	if err != nil {
		return domain.CustomerRecordState{}, err
	}
	return r.State(), nil
}

// findCustomer is the id of the record a ticket's customer joins (joinCustomer's order),
// reserving the external id for it when it is new.
func findCustomer(ctx context.Context, s streams, c domain.Customer, ext *domain.ExternalID, phone string, meta CommandMeta) (uuid.UUID, error) {
	id := domain.CustomerRecordIDOf(c, ext, phone)
	if ext != nil {
		found, err := ReservedCustomer(ctx, s.store, *ext)
		if err != nil || found != uuid.Nil {
			return found, wrapExternal(err)
		}
	}
	if c.Email != "" {
		// A record made without an email that was given this one later holds it.
		found, err := EmailCustomer(ctx, s.store, c.Email)
		if err != nil {
			return uuid.Nil, fmt.Errorf("customer email: %w", err)
		}
		if found != uuid.Nil {
			id = found
		}
	}
	if c.Email == "" && phone != "" {
		// No email: the phone's record, when a ticket gave that number before.
		found, err := ReservedCustomer(ctx, s.store, domain.ExternalID{Source: domain.PhoneSource, ID: phone})
		if err != nil {
			return uuid.Nil, fmt.Errorf("customer phone: %w", err)
		}
		if found != uuid.Nil {
			id = found
		}
	}
	if ext == nil {
		return id, nil
	}
	return reserveExternalID(ctx, s, *ext, id, meta)
}

func wrapExternal(err error) error {
	if err != nil {
		return fmt.Errorf("customer external id: %w", err)
	}
	return nil
}

// phoneKey is the keyed digest of phone's normalized form (auth.Secrets.PhoneKey); "" for
// no phone, or one that is not a number.
func phoneKey(secrets *auth.Secrets, phone string) string {
	p, ok := domain.NormalizePhone(phone)
	if !ok || secrets == nil {
		return ""
	}
	return secrets.PhoneKey(p)
}

// EmailCustomer is the record an email was reserved for when a record made without one
// was given it (uuid.Nil: none; the email's record, if any, has the id
// domain.CustomerRecordID derives from it).
func EmailCustomer(ctx context.Context, store eventlog.EventStore, email string) (uuid.UUID, error) {
	if email == "" {
		return uuid.Nil, nil
	}
	return ReservedCustomer(ctx, store, domain.ExternalID{Source: domain.EmailSource, ID: domain.NormalizeEmail(email)})
}

// claimEmail is the email record id may be given (AddContact): the email when it is the
// record's own by derivation, or when no other record holds it (none made for it, none
// reserved it) and it is now reserved for id; "" when another record holds it (the
// ticket keeps it; the records are not merged). Only a record without an email claims.
func claimEmail(ctx context.Context, s streams, email string, id uuid.UUID, meta CommandMeta) (string, error) {
	if email == "" || id == domain.CustomerRecordID(email) {
		return email, nil
	}
	own, err := s.store.ReadStream(ctx, eventlog.CustomerStream(id))
	if err != nil {
		return "", err
	}
	if r, err := customerFolder.fold(own); err != nil || r.State().Email != "" || r.State().Erased {
		return "", err // its own stays (AddContact gives it none); an erased record gains nothing
	}
	x := domain.ExternalID{Source: domain.EmailSource, ID: domain.NormalizeEmail(email)}
	holder, err := ReservedCustomer(ctx, s.store, x)
	if err != nil || holder != uuid.Nil {
		return claimed(email, holder == id), err
	}
	derived, err := s.store.ReadStream(ctx, eventlog.CustomerStream(domain.CustomerRecordID(email)))
	if err != nil || len(derived) > 0 {
		return "", err
	}
	won, err := reserveExternalID(ctx, s, x, id, meta)
	return claimed(email, won == id), err
}

func claimed(email string, ok bool) string {
	if ok {
		return email
	}
	return ""
}

// reservePhone ties a phone (its key: phoneKey) to record id unless another record holds
// it already (a shared line stays with its first record; that record's customer is found
// by it).
func reservePhone(ctx context.Context, s streams, phone string, id uuid.UUID, meta CommandMeta) error {
	if phone == "" {
		return nil
	}
	x := domain.ExternalID{Source: domain.PhoneSource, ID: phone}
	found, err := ReservedCustomer(ctx, s.store, x)
	if err != nil || found != uuid.Nil {
		return err
	}
	_, err = reserveExternalID(ctx, s, x, id, meta)
	return err
}

// linkAttempts is how many times a receive tries to register or link its customer.
const linkAttempts = 4

// reserveExternalID reserves x for record id, or returns the record a concurrent
// receive reserved it for first.
func reserveExternalID(ctx context.Context, s streams, x domain.ExternalID, id uuid.UUID, meta CommandMeta) (uuid.UUID, error) {
	data, _ := json.Marshal(ExternalIDReservation{CustomerID: id})
	stream := ExternalIDStream(x)
	recs, err := newRecords(stream, eventlog.NoStream, "", []string{TypeCustomerExternalIDReserved}, [][]byte{data}, meta, s.clock.Now())
	if err != nil {
		return uuid.Nil, err
	}
	_, err = s.store.Append(ctx, stream, eventlog.NoStream, recs)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, eventlog.ErrWrongExpectedVersion) {
		return uuid.Nil, fmt.Errorf("reserve customer external id: %w", err)
	}
	won, err := ReservedCustomer(ctx, s.store, x)
	if err == nil && won == uuid.Nil {
		err = fmt.Errorf("%w: reservation %s lost and not found", application.ErrConflict, stream)
	}
	return won, err
}

// ChangeCustomerTier sets a customer record's tier. Adopt, when set, is the customer as
// the read model shows a record made of tickets received before records existed (no
// stream yet): the record is registered from it first, so such a record can be changed too.
type ChangeCustomerTier struct {
	CustomerID uuid.UUID
	Tier       domain.Tier
	Adopt      *domain.Customer
}

// ChangeCustomerTierHandler handles ChangeCustomerTier.
type ChangeCustomerTierHandler struct {
	s    streams
	keys erasure.KeyStore
}

// NewChangeCustomerTierHandler returns the handler on its ports; it panics when store or
// clock is nil.
func NewChangeCustomerTierHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) ChangeCustomerTierHandler {
	return ChangeCustomerTierHandler{s: newStreams("ChangeCustomerTierHandler", store, clock, cache)}
}

// WithKeys returns the handler sealing the personal fields of the records it registers
// with keys (nil: stored in plain).
func (h ChangeCustomerTierHandler) WithKeys(keys erasure.KeyStore) ChangeCustomerTierHandler {
	h.keys = keys
	return h
}

// sealed seals the personal fields (name, email, phone, external ids) of a CustomerRegistered with the
// record's data key, when there is a key store: the event log then holds, and its hash
// chain covers, only ciphertext, which destroying the key makes unreadable for good
// (application/erasure; docs/AUDIT.md, "Erasure").
func sealed(ctx context.Context, keys erasure.KeyStore, id uuid.UUID) func([]domain.Event, error) ([]domain.Event, error) {
	return func(events []domain.Event, err error) ([]domain.Event, error) {
		if err != nil || keys == nil {
			return events, err
		}
		key, err := keys.Key(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("customer %s data key: %w", id, err)
		}
		for i, e := range events {
			reg, ok := e.(domain.CustomerRegistered)
			if !ok {
				continue
			}
			reg.ExternalIDs = slices.Clone(reg.ExternalIDs)
			fields := []*string{&reg.Name, &reg.Email, &reg.Phone}
			for i := range reg.ExternalIDs {
				fields = append(fields, &reg.ExternalIDs[i].ID)
			}
			for _, f := range fields {
				if *f == "" {
					continue
				}
				if *f, err = erasure.Seal(key, id, *f); err != nil {
					return nil, err
				}
			}
			events[i] = reg
		}
		return events, nil
	}
}

// Handle records CustomerTierChanged (nothing when the tier is the record's already).
func (h ChangeCustomerTierHandler) Handle(ctx context.Context, c ChangeCustomerTier, meta CommandMeta) (domain.CustomerRecordState, error) {
	out, err := update(ctx, h.s, eventlog.CustomerStream(c.CustomerID), meta, customerFolder, func(r *domain.CustomerRecord, _ time.Time) ([]domain.Event, error) {
		if r.Exists() || c.Adopt == nil {
			return r.ChangeTier(c.Tier)
		}
		var ext *domain.ExternalID
		if c.Adopt.ID != "" {
			ext = &domain.ExternalID{Source: domain.SourceAPI, ID: c.Adopt.ID}
		}
		reg, err := sealed(ctx, h.keys, c.CustomerID)(domain.RegisterCustomer(c.CustomerID, *c.Adopt, ext))
		if err != nil {
			return nil, err
		}
		adopted := domain.NewCustomerRecord()
		adopted.Apply(reg[0])
		change, err := adopted.ChangeTier(c.Tier)
		return append(reg, change...), err
	})
	if err != nil {
		return domain.CustomerRecordState{}, err
	}
	return out.Agg.State(), nil
}
