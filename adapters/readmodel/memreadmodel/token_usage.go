package memreadmodel

import (
	"context"
	"maps"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.TokenUsageStore = (*Store)(nil)

// RecordTokenUse implements projections.TokenUsageStore: the later time wins.
func (s *Store) RecordTokenUse(_ context.Context, id uuid.UUID, at time.Time) error {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	if s.usage == nil {
		s.usage = map[uuid.UUID]time.Time{}
	}
	if at.After(s.usage[id]) {
		s.usage[id] = at.UTC()
	}
	return nil
}

// TokenUses implements projections.TokenUsageStore.
func (s *Store) TokenUses(context.Context) (map[uuid.UUID]time.Time, error) {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	return maps.Clone(s.usage), nil
}
