package service

import (
	"context"
	"time"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// ManagerPages sets the ports of the supervisor's, analyst's and auditor's desk pages
// (WithPages uses it; a test building its own pages, with fake sessions, too).
func (s *Service) ManagerPages(o *web.Options) {
	o.ManagerReads = s.ReadSide
	o.SLAWatch = slaWatch{s.ReadSide}
	o.History = web.StoreHistory{Store: s.Store, Raw: s.Raw}
	if s.Commands != nil {
		o.Assigner = web.CommandAssigner{Commands: s.Commands}
	}
}

// slaWatch is web.SLAWatch on the queues projection: every open ticket's state and the
// read side's clock, so the page tells running clocks from met ones.
type slaWatch struct{ rs *projections.Service }

func (w slaWatch) OpenTickets(ctx context.Context) ([]domain.TicketState, time.Time, error) {
	ts, err := w.rs.Store.OpenTickets(ctx, projections.QueueFilter{})
	return ts, w.rs.Clock.Now(), err
}
