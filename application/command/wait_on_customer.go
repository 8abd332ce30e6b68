package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// WaitOnCustomer pauses the SLA clocks until the customer answers.
type WaitOnCustomer struct {
	TicketID uuid.UUID
	Reason   string
}

// WaitOnCustomerHandler handles WaitOnCustomer.
type WaitOnCustomerHandler struct{ d Deps }

// NewWaitOnCustomerHandler returns the handler.
func NewWaitOnCustomerHandler(d Deps) WaitOnCustomerHandler { return WaitOnCustomerHandler{d} }

// Handle puts the ticket on waiting.
func (h WaitOnCustomerHandler) Handle(ctx context.Context, c WaitOnCustomer, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.d, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Wait(c.Reason)
	})
}
