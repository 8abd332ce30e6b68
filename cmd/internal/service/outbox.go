package service

import (
	"context"
	"log/slog"

	"github.com/ticketengine/ticketengine/adapters/webhook"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/policy"
)

// outbox schedules the one outbox (docs/SCALING.md, API.md "Once"): the mails (the
// notifier, each mail under its stable Message-ID) and the webhooks (a relay per URL,
// each call under X-Tickets-Event-ID), delivered with one retry rule (policy.Retry) by
// the node holding the lease "outbox". Each part stamps its progress (claims, checkpoints)
// with the lease's epoch and fences out the former holder when it takes over.
func (s *Service) outbox(deps command.Config, mails *policy.Notifier, log *slog.Logger) error {
	c := s.Config.Policies
	var sender policy.WebhookSender
	if len(c.Webhooks) > 0 {
		w, err := webhook.New(c.WebhookSecret)
		if err != nil {
			return err
		}
		sender = w
	}
	leading := mails != nil && s.leases != nil // (else the notifier sends from its start)
	if !leading && sender == nil {
		return nil
	}
	s.background = append(s.background, s.underLease(leaseOutbox, func(ctx context.Context, epoch uint64) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var parts []func(context.Context) error
		if leading {
			parts = append(parts, func(ctx context.Context) error { return mails.Lead(ctx, epoch) })
		}
		for _, url := range c.Webhooks {
			relay := &policy.WebhookRelay{Store: deps.Store, Sender: sender, URL: url, Clock: deps.Clock, Log: log, Epoch: epoch,
				Progress: s.checkpointsIfLeased()} // (PostgreSQL: a row per relay, saved at every call)
			parts = append(parts, relay.Run)
		}
		errs := make(chan error, len(parts))
		for _, run := range parts {
			go func() { errs <- run(ctx) }()
		}
		var first error
		for range parts { // one part failing stops them all: the lease goes to a node where all run
			if err := <-errs; err != nil && first == nil && ctx.Err() == nil {
				first = err
				cancel()
			}
		}
		return first
	}))
	return nil
}
