package pgsessions_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/adapters/session/pgsessions"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/auth/sessiontest"
)

func open(t *testing.T, dsn string, l sessiontest.Lifetimes) *pgsessions.Store {
	t.Helper()
	s, err := pgsessions.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.Now, s.Idle, s.Absolute = l.Now, l.Idle, l.Absolute
	return s
}

func TestConformance(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pgsessions_")
	sessiontest.Run(t, func(t *testing.T, l sessiontest.Lifetimes) auth.Sessions { return open(t, dsn, l) })
}

// TestTwoNodes: two stores on one table are two nodes: a session started on one opens on
// the other, its sign-out on the other ends it on the first, and a deactivation's EndAll
// on either ends every session of the account on both. The table keeps only the hash.
func TestTwoNodes(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pgsessions_")
	ctx, life := context.Background(), sessiontest.Lifetimes{Now: time.Now, Idle: auth.SessionIdle, Absolute: auth.SessionAbsolute}
	a, b := open(t, dsn, life), open(t, dsn, life)
	account := uuid.New()
	id, err := a.Start(ctx, account)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Account(ctx, id); err != nil || got != account {
		t.Fatalf("the other node: %v %v", got, err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var stored string
	if err := conn.QueryRow(ctx, `SELECT id_hash FROM desk_sessions`).Scan(&stored); err != nil || stored != auth.HashSecret(id) {
		t.Fatalf("stored %q (%v), want the id's hash only", stored, err)
	}
	if err := b.End(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Account(ctx, id); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("signed out on the other node, still open here: %v", err)
	}
	one, _ := a.Start(ctx, account)
	two, _ := b.Start(ctx, account)
	if err := b.EndAll(ctx, account); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{one, two} {
		if _, err := a.Account(ctx, id); !errors.Is(err, application.ErrUnauthorized) {
			t.Fatalf("after EndAll on the other node: %v", err)
		}
	}
}

// TestSweep: the sessions ended by time are deleted, the live ones kept.
func TestSweep(t *testing.T) {
	dsn := postgrestest.FreshSchema(t, "t_pgsessions_")
	ctx, now := context.Background(), time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s := open(t, dsn, sessiontest.Lifetimes{Now: func() time.Time { return now }, Idle: time.Hour, Absolute: 3 * time.Hour})
	account := uuid.New()
	if _, err := s.Start(ctx, account); err != nil { // will be idle
		t.Fatal(err)
	}
	now = now.Add(30 * time.Minute)
	live, _ := s.Start(ctx, account)
	now = now.Add(45 * time.Minute)
	if n, err := s.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("swept %d (%v), want the idle session", n, err)
	}
	if got, err := s.Account(ctx, live); err != nil || got != account {
		t.Fatalf("the live session after the sweep: %v %v", got, err)
	}
}

// BenchmarkAccount: the session check every desk request makes (one read of the row).
func BenchmarkAccount(b *testing.B) {
	dsn := postgrestest.FreshSchema(b, "t_pgsessions_")
	s, err := pgsessions.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	id, err := s.Start(ctx, uuid.New())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Account(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
