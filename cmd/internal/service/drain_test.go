package service_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestDrainTurnsReadyzUnreadyAndKeepsServing: once Drain is called (ticketd does on
// SIGTERM), /readyz answers 503 naming the shutdown, so a load balancer takes the node out,
// while commands are still served until the listener closes.
func TestDrainTurnsReadyzUnreadyAndKeepsServing(t *testing.T) {
	c, svc := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	c.Must(200, "GET", "/readyz", nil)
	svc.Drain()
	r := c.Must(503, "GET", "/readyz", nil)
	if !strings.Contains(string(r.Raw), "shutting down") {
		t.Errorf("/readyz while draining says %s; want the reason: shutting down", r.Raw)
	}
	c.Must(201, "POST", "/tickets", servicetest.NewTicket)
}

func TestDrainDelayFlag(t *testing.T) {
	env := func(string) string { return "" }
	cfg, _, err := service.Parse("ticketd", []string{"--drain-delay", "4s"}, env, &strings.Builder{})
	if err != nil || cfg.DrainDelay.String() != "4s" {
		t.Fatalf("--drain-delay 4s: %v, %v", cfg.DrainDelay, err)
	}
	fromEnv := func(k string) string {
		if k == "TICKETS_DRAIN_DELAY" {
			return "1500ms"
		}
		return ""
	}
	if cfg, _, err = service.Parse("ticketd", nil, fromEnv, &strings.Builder{}); err != nil || cfg.DrainDelay.String() != "1.5s" {
		t.Fatalf("TICKETS_DRAIN_DELAY=1500ms: %v, %v", cfg.DrainDelay, err)
	}
	for _, bad := range []string{"-1s", "1h", "soon"} {
		if _, _, err := service.Parse("ticketd", []string{"--drain-delay", bad}, env, &strings.Builder{}); err == nil {
			t.Errorf("--drain-delay %s accepted", bad)
		}
	}
}
