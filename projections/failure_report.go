package projections

import "context"

// FailureCount is one projection's skipped records (failure.go), as /readyz and the
// tickets_projection_failures_total counter show them.
type FailureCount struct {
	Projection string `json:"projection"`
	// Recorded is how many the store holds: recorded by any process or rebuild, still
	// there after a restart.
	Recorded int `json:"recorded"`
	// Skipped is how many this process's engine has skipped since it started: the counter.
	Skipped uint64 `json:"skipped"`
}

// Failures reports every projection's skipped records. A store that keeps none
// (not a FailureStore) reports only this process's counts.
func (s *Service) Failures(ctx context.Context) ([]FailureCount, error) {
	recorded := map[string]int{}
	if fs, ok := s.Store.(FailureStore); ok {
		var err error
		if recorded, err = fs.FailureCounts(ctx); err != nil {
			return nil, err
		}
	}
	skipped := map[string]uint64{}
	if s.Engine != nil {
		for _, p := range s.Engine.Progress() {
			skipped[p.Name] = p.Failed
		}
	}
	out := make([]FailureCount, 0, len(Names()))
	for _, n := range Names() {
		out = append(out, FailureCount{Projection: n, Recorded: recorded[n], Skipped: skipped[n]})
	}
	if s.Search != nil { // the index keeps no failures: what this process skipped
		n := s.Search.Progress().Failed
		out = append(out, FailureCount{Projection: SearchName, Recorded: int(n), Skipped: n})
	}
	return out, nil
}
