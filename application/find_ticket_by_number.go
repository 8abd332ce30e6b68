package application

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// PortalActor is the actor of commands the customer issues from the portal.
const PortalActor = "customer"

// FindTicketByNumber resolves a customer's ticket number and access code to the ticket id.
// An unknown number and a wrong code give the same ErrNotFound, and both compare a hash
// in constant time, so neither the answer nor its timing tells them apart.
func FindTicketByNumber(ctx context.Context, store EventStore, number, code string) (uuid.UUID, error) {
	stream := NumberStreamPrefix + "TK-" + NormalizeTicketNumber(number)
	recs, err := store.ReadStream(ctx, stream)
	if err != nil {
		return uuid.Nil, err
	}
	// An unknown number still reads a (missing) ticket stream and compares a hash, so it
	// costs what a wrong code costs.
	var res NumberReservation
	if len(recs) > 0 {
		_ = json.Unmarshal(recs[0].Data, &res)
	}
	var id uuid.UUID
	storedHash := HashSecret("no ticket has this number")
	if t, err := loadTicketState(ctx, store, res.TicketID); err == nil && res.TicketID != uuid.Nil {
		id, storedHash = res.TicketID, t.AccessCodeHash
	}
	if !SecretMatches(code, storedHash) || id == uuid.Nil {
		return uuid.Nil, ErrNotFound
	}
	return id, nil
}

func loadTicketState(ctx context.Context, store EventStore, id uuid.UUID) (domain.TicketState, error) {
	recs, err := store.ReadStream(ctx, TicketStream(id))
	if err != nil {
		return domain.TicketState{}, err
	}
	t, err := FoldTicket(recs)
	if err != nil {
		return domain.TicketState{}, err
	}
	if !t.Exists() {
		return domain.TicketState{}, fmt.Errorf("%w: ticket %s", ErrNotFound, id)
	}
	return t.State(), nil
}
