package command

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// WaitOnCustomer pauses the SLA clocks until the customer answers.
type WaitOnCustomer struct {
	TicketID uuid.UUID
	Reason   string
}

// WaitOnCustomerHandler handles WaitOnCustomer.
type WaitOnCustomerHandler struct{ s streams }

// NewWaitOnCustomerHandler returns the handler on its ports; it panics when store or clock is nil.
func NewWaitOnCustomerHandler(store eventlog.EventStore, clock application.Clock, cache *StreamCache) WaitOnCustomerHandler {
	return WaitOnCustomerHandler{newStreams("WaitOnCustomerHandler", store, clock, cache)}
}

// Handle puts the ticket on waiting.
func (h WaitOnCustomerHandler) Handle(ctx context.Context, c WaitOnCustomer, meta CommandMeta) (TicketResult, error) {
	return ticketUpdate(ctx, h.s, c.TicketID, meta, func(t *domain.Ticket, _ time.Time) ([]domain.Event, error) {
		return t.Wait(c.Reason)
	})
}
