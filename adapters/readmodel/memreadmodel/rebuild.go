package memreadmodel

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/projections"
)

// RebuildWriter implements projections.Store: a rebuild fills a new, empty store.
func (s *Store) RebuildWriter(ctx context.Context, name string) (projections.Writer, error) {
	return New(), nil
}

// Swap implements projections.Store: projection name's rows and checkpoint are replaced
// by rebuilt's under the write lock, so readers see the old rows or the new ones.
func (s *Store) Swap(ctx context.Context, name string, rebuilt projections.Writer) error {
	f, ok := rebuilt.(*Store)
	if !ok {
		return fmt.Errorf("memory read model: cannot swap in a %T", rebuilt)
	}
	if !projections.Known(name) {
		return fmt.Errorf("memory read model: no projection is named %q", name)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	if isPacked(name) {
		s.d.swapTickets(name, f.d)
	} else {
		s.d.tables[name] = f.d.tables[name] // nil when the rebuild has no row: peek sees none
		if s.d.tables[name] == nil {
			delete(s.d.tables, name)
		}
	}
	s.d.checkpoints[name] = f.d.checkpoints[name]
	s.d.failures[name] = f.d.failures[name]
	f.d = newData() // the rebuilt store gave its rows away
	return nil
}

// swapTickets replaces packed projection name's part of every ticket row by rebuilt's.
func (d *data) swapTickets(name string, rebuilt *data) {
	for id, r := range d.rows {
		take(name, r, &row{})
		if r.empty() {
			delete(d.rows, id)
		}
	}
	for id, fr := range rebuilt.rows {
		take(name, d.row(id), fr)
	}
	if name == projections.Queues {
		d.open, d.openBy, d.queues = rebuilt.open, rebuilt.openBy, rebuilt.queues
	}
}

// take sets packed projection name's part of r to from's.
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
