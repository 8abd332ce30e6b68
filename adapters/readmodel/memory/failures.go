package memory

import (
	"context"
	"slices"

	"github.com/ticketengine/ticketengine/projections"
)

var _ projections.FailureStore = (*Store)(nil)

// addFailures keeps a batch's failures, by position; one already kept (another engine
// projecting into this store recorded it too) is not kept twice.
func (d *data) addFailures(name string, fs []projections.Failure) {
	for _, f := range fs {
		have := d.failures[name]
		i, found := slices.BinarySearchFunc(have, f.Position, byPosition)
		if !found {
			d.failures[name] = slices.Insert(have, i, f)
		}
	}
}

func byPosition(f projections.Failure, pos uint64) int {
	switch {
	case f.Position < pos:
		return -1
	case f.Position > pos:
		return 1
	}
	return 0
}

// FailureCounts implements projections.FailureStore.
func (s *Store) FailureCounts(ctx context.Context) (map[string]int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]int{}
	for name, fs := range s.d.failures {
		if len(fs) > 0 {
			out[name] = len(fs)
		}
	}
	return out, nil
}

// Failures implements projections.FailureStore.
func (s *Store) Failures(ctx context.Context, name string) ([]projections.Failure, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.d.failures[name]), nil
}
