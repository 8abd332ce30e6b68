package service_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// runService builds and starts the whole service; stop halts and closes it (once; the
// test's cleanup calls it too).
func runService(t *testing.T, cfg service.Config) (svc *service.Service, stop func()) {
	t.Helper()
	return runServiceLogged(t, cfg, nil)
}

// runServiceLogged is runService with a logger.
func runServiceLogged(t *testing.T, cfg service.Config, log *slog.Logger) (*service.Service, func()) {
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
			cancel()
			svc.Wait()
			if err := svc.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return svc, stop
}

// runningService is a started engine behind an HTTP server, its policies disabled (the
// API suites count events exactly; the policies' own actions are tested in
// policies_test.go), that the test may stop and start again on its stores.
func runningService(t *testing.T, cfg service.Config) (client, *service.Service, func()) {
	t.Helper()
	cfg.Policies.Disabled = true
	svc, stopService := runService(t, cfg)
	srv := httptest.NewServer(svc.HTTP)
	stop := func() {
		srv.Close()
		stopService()
	}
	t.Cleanup(stop) // runs before runService's own
	return client{t: t, base: srv.URL, token: svc.AdminToken}, svc, stop
}
