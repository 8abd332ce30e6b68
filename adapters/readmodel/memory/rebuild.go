package memory

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/projections"
)

// Fresh implements projections.Store: a rebuild fills a new, empty store.
func (s *Store) Fresh(ctx context.Context, name string) (projections.Writer, error) {
	return New(), nil
}

// Swap implements projections.Store: projection name's rows and checkpoint are replaced
// by fresh's under the write lock, so readers see the old rows or the new ones.
func (s *Store) Swap(ctx context.Context, name string, fresh projections.Writer) error {
	f, ok := fresh.(*Store)
	if !ok {
		return fmt.Errorf("memory read model: cannot swap in a %T", fresh)
	}
	if !projections.Known(name) {
		return fmt.Errorf("memory read model: no projection is named %q", name)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch name {
	case projections.Agents:
		s.d.agents = f.d.agents
	default:
		s.d.swapTickets(name, f.d)
	}
	s.d.checkpoints[name] = f.d.checkpoints[name]
	s.d.failures[name] = f.d.failures[name]
	f.d = newData() // the fresh store gave its rows away
	return nil
}

// swapTickets replaces projection name's part of every ticket row by fresh's.
func (d *data) swapTickets(name string, fresh *data) {
	for id, r := range d.rows {
		take(name, r, &row{})
		if r.empty() {
			delete(d.rows, id)
		}
	}
	for id, fr := range fresh.rows {
		take(name, d.row(id), fr)
	}
	if name == projections.Queues {
		d.open, d.openBy = fresh.open, fresh.openBy
	}
}

// take sets projection name's part of r to from's.
func take(name string, r, from *row) {
	switch name {
	case projections.Queues:
		r.queue = from.queue
	case projections.Portal:
		r.portal, r.timeline = from.portal, from.timeline
	case projections.KPI:
		r.fact = from.fact
	}
}
