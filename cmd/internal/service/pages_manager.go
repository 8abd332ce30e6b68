package service

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// ManagerPages sets the ports of the supervisor's, analyst's and auditor's desk pages
// (WithPages uses it; a test building its own pages, with fake sessions, too).
func (s *Service) ManagerPages(o *web.Options) {
	o.ManagerReads = s.ReadSide
	o.SLAWatch = slaWatch{rs: s.ReadSide, events: s.Store}
	o.HotIssues = s.ReadSide
	o.History = web.StoreHistory{Store: s.Store, Raw: s.Raw}
	if s.Commands != nil {
		o.Assigner = web.CommandAssigner{Commands: s.Commands}
	}
}

// slaWatch is web.SLAWatch: pages of the queues projection in its kept order, and one
// ticket folded from the event store; each with the read side's clock, so the page tells
// running clocks from met ones.
type slaWatch struct {
	rs     *projections.Service
	events eventlog.EventStore
}

func (w slaWatch) Urgent(ctx context.Context, f projections.QueueFilter, offset, limit int) ([]domain.TicketState, bool, time.Time, error) {
	now := w.rs.Clock.Now()
	ts, more, err := w.rs.Store.QueuePage(ctx, f, now, offset, limit)
	return ts, more, now, err
}

func (w slaWatch) OpenTicket(ctx context.Context, id uuid.UUID) (domain.TicketState, bool, time.Time, error) {
	now := w.rs.Clock.Now()
	t, err := query.GetTicket(ctx, w.events, id, time.Time{})
	if errors.Is(err, application.ErrNotFound) {
		return domain.TicketState{}, false, now, nil
	}
	return t, err == nil && t.Status.Open(), now, err
}
