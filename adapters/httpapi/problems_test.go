package httpapi

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// TestProblemTableCoversEveryKind: each kind of domain/errs has exactly one row, and its
// problem type is the kind's name.
func TestProblemTableCoversEveryKind(t *testing.T) {
	rows := map[errs.Kind]int{}
	for _, row := range problemTable {
		rows[row.kind]++
	}
	for _, k := range errs.Kinds() {
		if rows[k] != 1 {
			t.Errorf("kind %s has %d rows in problemTable, want 1", k, rows[k])
		}
		p, _ := problemFor(fmt.Errorf("wrapped: %w", k))
		if p.Type != problemBase+k.String() {
			t.Errorf("kind %s answers type %s", k, p.Type)
		}
	}
}

func TestProblemForSentinels(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		kind   string
	}{
		{&domain.ValidationError{Fields: []domain.FieldError{{Field: "subject", Message: "required"}}}, 422, "validation"},
		{fmt.Errorf("%w: x", domain.ErrInvalid), 422, "validation"},
		{fmt.Errorf("%w: bad json", errMalformed), 400, "malformed"},
		{errTooLarge, 413, "too-large"},
		{errMediaType, 415, "unsupported-media-type"},
		{errRateLimited, 429, "rate-limited"},
		{application.ErrUnauthorized, 401, "unauthorized"},
		{fmt.Errorf("%w: role", application.ErrForbidden), 403, "forbidden"},
		{domain.ErrNotFound, 404, "not-found"},
		{&domain.TransitionError{Command: "close", From: domain.StatusReceived}, 409, "invalid-transition"},
		{domain.ErrPrecondition, 412, "precondition-failed"},
		{domain.ErrConflict, 409, "conflict"},
		{command.ErrNoAgentAvailable, 409, "conflict"},
		{domain.ErrIdempotencyMismatch, 422, "idempotency-key-reused"},
		{fmt.Errorf("%w: starting", errs.Unavailable), 503, "unavailable"},
		{application.ErrConfig, 500, "internal"},
		{fmt.Errorf("disk full"), 500, "internal"},
	} {
		p, _ := problemFor(c.err)
		if p.Status != c.status || p.Type != problemBase+c.kind {
			t.Errorf("%v: %d %s, want %d %s", c.err, p.Status, p.Type, c.status, c.kind)
		}
		if p.Status == 500 && p.Detail != "" {
			t.Errorf("%v: a server fault shows its detail %q", c.err, p.Detail)
		}
	}
}

func TestRetryAfterOnRateLimitedAndUnavailable(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for err, want := range map[error]string{errRateLimited: "60", errs.Unavailable: "10", domain.ErrConflict: ""} {
		w := httptest.NewRecorder()
		s.writeProblem(w, httptest.NewRequest(http.MethodGet, "/", nil), err)
		if got := w.Header().Get("Retry-After"); got != want {
			t.Errorf("%v: Retry-After %q, want %q", err, got, want)
		}
	}
}
