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
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
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
	// SIGTERM: stop taking requests and drain those in flight, then stop projections at a
	// checkpoint, then close the stores (deferred).
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	stopBackground()
	svc.Wait()
	log.Info("stopped")
	return nil
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
