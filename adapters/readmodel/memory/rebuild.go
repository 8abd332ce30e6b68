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

// Swap implements projections.Store: projection name's maps and checkpoint are replaced
// by fresh's under the write lock, so readers see the old rows or the new ones.
func (s *Store) Swap(ctx context.Context, name string, fresh projections.Writer) error {
	f, ok := fresh.(*Store)
	if !ok {
		return fmt.Errorf("memory read model: cannot swap in a %T", fresh)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch name {
	case projections.Queues:
		s.d.queue, s.d.open, s.d.openBy = f.d.queue, f.d.open, f.d.openBy
	case projections.Portal:
		s.d.portal, s.d.timeline = f.d.portal, f.d.timeline
	case projections.KPI:
		s.d.facts = f.d.facts
	case projections.Agents:
		s.d.agents = f.d.agents
	default:
		return fmt.Errorf("memory read model: no projection is named %q", name)
	}
	s.d.checkpoints[name] = f.d.checkpoints[name]
	f.d = newData() // the fresh store gave its maps away
	return nil
}
