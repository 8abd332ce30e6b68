package service

import (
	"flag"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application/policy"
)

// The roster duty (application/policy, shifts.go; docs/SLA-CLOCKS.md, "Shifts") runs on
// one node at a time, under its own lease, beside the policy engine every node follows.
const leaseShifts = "shifts"

func (p *PolicyConfig) registerShiftFlags(fs *flag.FlagSet, env func(name, def string) string) {
	margin, err := time.ParseDuration(env("TICKETS_SHIFT_MARGIN", "15m"))
	if err != nil {
		p.shiftEnvErr = fmt.Errorf("TICKETS_SHIFT_MARGIN: %w", err)
	}
	p.Shifts.Margin = margin
	fs.Func("shift-margin", "routing gives no ticket to an agent whose rostered shift ends within this `duration` (default 15m; a negative duration turns the rule off) [TICKETS_SHIFT_MARGIN]", func(v string) error {
		d, err := time.ParseDuration(v)
		p.Shifts.Margin = d
		return err
	})
	fs.StringVar(&p.Shifts.HandOver, "shift-handover", env("TICKETS_SHIFT_HANDOVER", policy.HandOverQueue),
		"where an agent's open tickets go when a shift ends: queue (the team queue) or next_shift (a team mate on shift, else the queue) [TICKETS_SHIFT_HANDOVER]")
}

func (p PolicyConfig) validateShifts() error {
	if p.shiftEnvErr != nil {
		return p.shiftEnvErr
	}
	if err := policy.CheckHandOver(p.Shifts.HandOver); err != nil {
		return fmt.Errorf("--shift-handover: %w", err)
	}
	return nil
}

// shiftOptions are the engine's (a margin of 0 is its default, 15 minutes).
func (p PolicyConfig) shiftOptions() policy.ShiftOptions { return p.Shifts }
