package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/auth"
)

// TestMemorySessionsExpireAndEnd: a session lives while used within Idle, never beyond
// Absolute, and ends at End and at EndAll of its account; other accounts' sessions stay.
func TestMemorySessionsExpireAndEnd(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s := auth.NewMemorySessions()
	s.Now = func() time.Time { return now }
	s.Idle, s.Absolute = time.Hour, 3*time.Hour
	a, b := uuid.New(), uuid.New()
	id, err := s.Start(ctx, a)
	if err != nil || len(id) != 43 { // 32 random bytes, base64url
		t.Fatalf("%q %v", id, err)
	}
	for i := 0; i < 5; i++ { // used every 50 minutes: alive until the absolute limit
		now = now.Add(50 * time.Minute)
		got, err := s.Account(ctx, id)
		if i < 3 && (err != nil || got != a) {
			t.Fatalf("use %d: %v %v", i, got, err)
		}
		if i == 3 && !errors.Is(err, application.ErrUnauthorized) {
			t.Fatalf("past the absolute limit: %v", err)
		}
	}
	idle, _ := s.Start(ctx, a)
	now = now.Add(time.Hour)
	if _, err := s.Account(ctx, idle); !errors.Is(err, application.ErrUnauthorized) {
		t.Fatalf("idle for an hour: %v", err)
	}
	one, _ := s.Start(ctx, a)
	two, _ := s.Start(ctx, a)
	other, _ := s.Start(ctx, b)
	if err := s.End(ctx, one); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Account(ctx, one); err == nil {
		t.Fatal("ended session still opens")
	}
	_ = s.EndAll(ctx, a)
	if _, err := s.Account(ctx, two); err == nil {
		t.Fatal("EndAll left a session")
	}
	if got, err := s.Account(ctx, other); err != nil || got != b {
		t.Fatalf("another account's session: %v %v", got, err)
	}
	if _, err := s.Account(ctx, "not-a-session"); err == nil {
		t.Fatal("unknown id opens")
	}
}
