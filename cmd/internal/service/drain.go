package service

import (
	"errors"
	"flag"
	"fmt"
	"time"
)

// Draining: behind a load balancer, a node that is told to stop (SIGTERM) must first leave
// the balancer's rotation and only then stop accepting connections, or the requests the
// balancer sends in between fail. So ticketd, on SIGTERM, calls Drain (its /readyz answers
// 503 from then on), keeps serving for --drain-delay (long enough for the balancer's
// health checks to notice: interval × failures, plus a margin), and only then shuts its
// listener and waits for the requests in flight (docs/SCALING.md, "Rolling restarts").

// ErrDraining is what /readyz reports while the process drains before it stops.
var ErrDraining = errors.New("shutting down: draining before the listener closes")

// MaxDrainDelay bounds --drain-delay: an orchestrator's stop timeout must exceed it.
const MaxDrainDelay = 5 * time.Minute

// Drain marks the process as stopping: /readyz answers 503 from now on, while every other
// request is still served.
func (s *Service) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Service) Draining() bool { return s.draining.Load() }

// registerDrainFlag declares --drain-delay (Parse reads TICKETS_DRAIN_DELAY first).
func (c *Config) registerDrainFlag(fs *flag.FlagSet) {
	fs.Func("drain-delay", "on SIGTERM, how long ticketd keeps serving with /readyz unready before it closes its listener, so a load balancer's health checks take it out of rotation first (default 0: none; behind a balancer, more than its check interval × failures) [TICKETS_DRAIN_DELAY]", c.setDrainDelay)
}

func (c *Config) setDrainDelay(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > MaxDrainDelay {
		return fmt.Errorf("drain delay: %q is not a duration from 0 to %s", v, MaxDrainDelay)
	}
	c.DrainDelay = d
	return nil
}
