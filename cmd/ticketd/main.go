// Command ticketd serves the ticket engine's HTTP API. With no flags it keeps its events
// in an embedded store under ./data: nothing to install.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ticketd:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, _, err := service.Parse("ticketd", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: service.LogLevel(cfg.LogLevel)}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	svc, err := service.Build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer svc.Close()
	if svc.AdminTokenCreated {
		fmt.Fprintf(stdout, "admin token (shown once; kept in %s/admin.token): %s\n", cfg.Data, svc.AdminToken)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	handler := svc.HTTP
	if cfg.Pprof {
		handler = withPprof(handler)
		log.Warn("serving Go profiles under /debug/pprof/ (--pprof)")
	}
	srv := &http.Server{Handler: closeWhileDraining(svc, handler), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
	bg, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	svc.Start(bg)
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	log.Info("started", slog.String("addr", ln.Addr().String()), slog.String("eventstore", describe(cfg.EventStore)))

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case err := <-svc.Errors():
		return fmt.Errorf("background task: %w", err)
	case <-ctx.Done():
	}
	// SIGTERM: first leave the load balancer's rotation (/readyz unready; each answer
	// closes its connection, so the balancer keeps none to reuse) while still serving for
	// --drain-delay; then stop taking requests and drain those in flight, then stop what
	// appends events, then the projections at a checkpoint past the last of those events,
	// then close the stores (deferred).
	svc.Drain()
	log.Info("shutting down", slog.Duration("drain_delay", cfg.DrainDelay))
	if !waitDrain(cfg.DrainDelay, served, svc.Errors()) {
		log.Warn("stopped serving during the drain delay")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	svc.Stop()
	log.Info("stopped")
	return nil
}

// closeWhileDraining answers with "Connection: close" once the service drains, so a
// balancer's pooled connection is not reused for a request that could meet the closing
// listener. Idle connections are left alone until the shutdown: closing them earlier
// would race with a balancer that has not yet seen /readyz turn unready.
func closeWhileDraining(svc *service.Service, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if svc.Draining() {
			w.Header().Set("Connection", "close")
		}
		h.ServeHTTP(w, r)
	})
}

// waitDrain waits out the drain delay while the server keeps serving; false if the
// server or a background task stopped meanwhile (the shutdown goes on regardless).
func waitDrain(d time.Duration, served <-chan error, bgErrs <-chan error) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-served:
		return false
	case <-bgErrs:
		return false
	}
}

func describe(store string) string {
	if store == "" {
		return "embedded"
	}
	if u, err := urlRedacted(store); err == nil {
		return u
	}
	return "configured"
}
