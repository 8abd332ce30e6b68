package projections

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// ticketRows is a projection whose row is the ticket's snapshot (the queues, the
// portal). Its rows are *domain.TicketState, never changed in place: a fold makes a new
// one, which every such projection at the same version shares (Event.TicketAfter).
type ticketRows struct {
	name  string
	table Table
}

func (p *ticketRows) Name() string             { return p.name }
func (p *ticketRows) Reads() Kind              { return TicketStreams }
func (p *ticketRows) Table() *Table            { return &p.table }
func (p *ticketRows) Key(r Row) uuid.UUID      { return r.(*domain.TicketState).ID }
func (p *ticketRows) Version(r Row) int64      { return r.(*domain.TicketState).Version }
func (p *ticketRows) Detach([]Row)             {} // never changed in place
func (p *ticketRows) Fold(r Row, e *Event) Row { return e.TicketAfter(r.(*domain.TicketState)) }

func (p *ticketRows) Empty(uuid.UUID) Row {
	t := emptyTicket()
	return &t
}

func (p *ticketRows) Skip(r Row, id uuid.UUID, v int64) Row {
	t := *r.(*domain.TicketState) // shared: copied, never changed in place
	t.ID, t.Version = id, v
	return &t
}

// ticket is the snapshot column's Go type, for the table declarations.
type ticket = domain.TicketState
