package application

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
)

// PortalActor is the actor of commands the customer issues from the portal.
const PortalActor = "customer"

// FindTicketByNumberHandler resolves the portal's number and access code (Commands.FindByNumber).
type FindTicketByNumberHandler struct{ d Deps }

// NewFindTicketByNumberHandler returns the handler.
func NewFindTicketByNumberHandler(d Deps) FindTicketByNumberHandler {
	return FindTicketByNumberHandler{d}
}

// Find is FindTicketByNumber on the handler's store and secrets.
func (h FindTicketByNumberHandler) Find(ctx context.Context, number, code string) (uuid.UUID, error) {
	return FindTicketByNumber(ctx, h.d.Store, h.d.Secrets, number, code)
}

// noSuchTicket stands in for the ticket of a number nobody reserved: its code is derived
// and compared like any other, so that an unknown number costs what a wrong code costs.
var noSuchTicket = uuid.NewSHA1(uuid.NameSpaceURL, []byte("ticketengine:no-ticket-has-this-number"))

// noReservation is decoded in place of the reservation an unknown number lacks: the
// same shape, so the same work.
var noReservation = []byte(`{"ticket_id":"` + noSuchTicket.String() + `"}`)

// FindTicketByNumber resolves a customer's ticket number and access code to the ticket id.
// An unknown number and a wrong code give the same ErrNotFound after the same work: one
// read, of the number's reservation only (ticketnumber-<N>, one small record written
// when the ticket was received, whatever the ticket holds since); then the code is
// derived for the reserved id, or for noSuchTicket, and compared in constant time. The
// ticket's own stream is never read, so its size cannot show in the time taken. What
// still differs is inherent to asking the store: the known number's read returns its
// one reservation record, the unknown number's returns none (docs/API-NOTES.md).
func FindTicketByNumber(ctx context.Context, store EventStore, secrets *Secrets, number, code string) (uuid.UUID, error) {
	recs, err := store.ReadStream(ctx, NumberStreamPrefix+"TK-"+NormalizeTicketNumber(number))
	if err != nil {
		return uuid.Nil, err
	}
	data, reserved := noReservation, false
	if len(recs) > 0 && recs[0].Type == TypeTicketNumberReserved {
		data, reserved = recs[0].Data, true
	}
	var res NumberReservation
	if json.Unmarshal(data, &res) != nil || res.TicketID == uuid.Nil {
		res.TicketID, reserved = noSuchTicket, false
	}
	matches := SecretMatches(NormalizeAccessCode(code), HashSecret(secrets.AccessCode(res.TicketID)))
	if !matches || !reserved {
		return uuid.Nil, ErrNotFound
	}
	return res.TicketID, nil
}
