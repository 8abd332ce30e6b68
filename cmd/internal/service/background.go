package service

import (
	"context"
	"errors"
	"log/slog"
	"sync"
)

// The background runs in two stages, stopped in order. Stopping everything at once let
// a policy append its last events (a breach, an escalation) while the projector stopped
// beside it: the shared read models then lagged the event store until some node
// projected again, and a whole cluster stopped that way stayed behind. So Stop ends the
// tasks that write first and waits for them, and only then the read side, whose
// projector catches up with the store once more before it lets go of its lease
// (readside_leases.go).

// stage is one group of background tasks with its own end.
type stage struct {
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

// Start runs the background work (projections, policies) until ctx ends or Stop.
func (s *Service) Start(ctx context.Context) {
	s.startStage(ctx, &s.writers, s.background)
	s.startStage(ctx, &s.readers, s.readSide)
}

func (s *Service) startStage(ctx context.Context, st *stage, tasks []func(context.Context) error) {
	ctx, st.cancel = context.WithCancel(ctx)
	for _, run := range tasks {
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
				s.Log.Error("background task stopped", slog.Any("err", err))
				s.runErr <- err
			}
		}()
	}
}

// Stop ends the background work started by Start: first the tasks that append events or
// act outside, then, once they have returned, the read side. It returns when all have.
func (s *Service) Stop() {
	for _, st := range []*stage{&s.writers, &s.readers} {
		if st.cancel != nil {
			st.cancel()
		}
		st.wg.Wait()
	}
}

// Errors delivers failures of background tasks.
func (s *Service) Errors() <-chan error { return s.runErr }

// Wait blocks until the background work has stopped (after its context ended, or Stop).
func (s *Service) Wait() {
	s.writers.wg.Wait()
	s.readers.wg.Wait()
}
