package errs_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ticketengine/ticketengine/domain/errs"
)

func TestWrappedErrorsKeepTheirKind(t *testing.T) {
	sentinel := errs.E(errs.NotFound, "not found")
	wrapped := fmt.Errorf("loading ticket: %w", fmt.Errorf("%w: TK-1", sentinel))
	if !errors.Is(wrapped, sentinel) || !errors.Is(wrapped, errs.NotFound) {
		t.Errorf("errors.Is lost the sentinel or its kind: %v", wrapped)
	}
	if errors.Is(wrapped, errs.Conflict) || errors.Is(wrapped, errs.E(errs.NotFound, "not found")) {
		t.Error("errors.Is matched another kind or another sentinel of the same kind")
	}
	if got := errs.KindOf(wrapped); got != errs.NotFound {
		t.Errorf("KindOf = %v, want not-found", got)
	}
	var e *errs.Error
	if !errors.As(wrapped, &e) || e != sentinel {
		t.Errorf("errors.As did not find the sentinel: %v", e)
	}
	if got := wrapped.Error(); got != "loading ticket: not found: TK-1" {
		t.Errorf("message changed: %q", got)
	}
}

func TestKindOf(t *testing.T) {
	under := errors.New("disk full")
	for _, c := range []struct {
		err  error
		want errs.Kind
	}{
		{nil, errs.Other},
		{errors.New("plain"), errs.Other},
		{errs.Unavailable, errs.Unavailable},
		{fmt.Errorf("x: %w", errs.RateLimited), errs.RateLimited},
		{&errs.Error{Kind: errs.Internal, Msg: "append", Err: under}, errs.Internal},
	} {
		if got := errs.KindOf(c.err); got != c.want {
			t.Errorf("KindOf(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	e := &errs.Error{Kind: errs.Internal, Msg: "append", Err: under}
	if !errors.Is(e, under) || e.Error() != "append: disk full" {
		t.Errorf("an Error with an underlying error: Is %v, %q", errors.Is(e, under), e.Error())
	}
}

func TestKindNamesAreDistinct(t *testing.T) {
	seen := map[string]errs.Kind{}
	for _, k := range errs.Kinds() {
		name := k.String()
		if name == "" || name == "other" {
			t.Errorf("kind %d has no name", k)
		}
		if prev, dup := seen[name]; dup {
			t.Errorf("kinds %d and %d share the name %q", prev, k, name)
		}
		seen[name] = k
	}
	if len(seen) != 14 {
		t.Errorf("%d kinds, want the closed set of 14", len(seen))
	}
}
