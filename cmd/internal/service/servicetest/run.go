package servicetest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// RunService builds and starts the whole service; stop halts and closes it (once; the
// test's cleanup calls it too).
func RunService(t *testing.T, cfg service.Config) (svc *service.Service, stop func()) {
	t.Helper()
	return RunServiceLogged(t, cfg, nil)
}

// RunServiceLogged is RunService with a logger.
func RunServiceLogged(t *testing.T, cfg service.Config, log *slog.Logger) (*service.Service, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	svc, err := service.Build(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("the engine does not start: %v", err)
	}
	svc.Start(ctx)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			svc.Stop() // in ticketd's order: what appends events, then the read side
			cancel()
			if err := svc.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return svc, stop
}

// RunningService is a started engine behind an HTTP server, its policies disabled (the
// API suites count events exactly; the policies' own actions are tested in
// cmd/internal/service/policies_test.go), that the test may stop and start again on its
// stores.
func RunningService(t *testing.T, cfg service.Config) (Client, *service.Service, func()) {
	t.Helper()
	cfg.Policies.Disabled = true
	svc, stopService := RunService(t, cfg)
	srv := httptest.NewServer(svc.HTTP)
	stop := func() {
		srv.Close()
		stopService()
	}
	t.Cleanup(stop) // runs before RunService's own
	return Client{T: t, Base: srv.URL, Token: svc.AdminToken}, svc, stop
}

// StartService is RunningService for a test that runs the service to its end.
func StartService(t *testing.T, cfg service.Config) (Client, *service.Service) {
	t.Helper()
	c, svc, _ := RunningService(t, cfg)
	return c, svc
}
