package service

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// recordCalendars records the policy file's calendars in the calendar stream when they
// differ from the ones last recorded (docs/SLA-CLOCKS.md). Only a serving process does:
// a ticketctl command, built without a read side and perhaps without the policy file,
// must not record "no calendars".
func (s *Service) recordCalendars(ctx context.Context, cfg Config, p domain.SLAPolicy) error {
	if cfg.NoReadSide {
		return nil
	}
	h := command.NewRecordCalendarsHandler(s.Store, application.SystemClock{}, p)
	recorded, err := h.Handle(ctx, command.CommandMeta{Actor: command.SystemActor, Rule: "calendars"})
	if err != nil {
		return fmt.Errorf("recording the calendars in force: %w", err)
	}
	if recorded {
		s.Log.Info("calendars in force recorded", slog.Int("calendars", len(p.Calendars)), slog.Int("business_time_rules", len(p.BusinessTime)))
	}
	return nil
}
