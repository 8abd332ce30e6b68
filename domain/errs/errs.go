// Package errs is the engine's one error vocabulary: a small closed set of kinds, after
// upspin's errors.Kind. Every error the engine hands to a client carries exactly one kind,
// so an adapter maps a kind to its answer once (the HTTP table is in adapters/httpapi).
// It imports only the standard library so that the domain can use it.
package errs

import "errors"

// Kind classifies an error by what the caller can do about it. A Kind is itself an error,
// so errors.Is(err, errs.NotFound) asks "is this a not-found?" of any wrapped error.
type Kind uint8

// The kinds. Other is the zero value: no kind, which adapters treat as Internal.
const (
	Other                Kind = iota
	Malformed                 // the request itself cannot be read (bad JSON, bad header)
	Validation                // fields are readable but out of range or missing
	NotFound                  // the ticket, agent, stream or route does not exist
	InvalidTransition         // the command is not allowed from the current status
	Conflict                  // the moment is wrong: a concurrent change won, nobody can take it
	PreconditionFailed        // the caller's expected version is not the current one
	IdempotencyKeyReused      // an idempotency key came back with another request
	Unauthorized              // no valid credentials
	Forbidden                 // valid credentials, but not allowed to do this
	TooLarge                  // the request is over a size limit
	UnsupportedMediaType      // the request's media type is not accepted
	RateLimited               // too many requests from this client; retry later
	Unavailable               // the server cannot serve this yet (starting, not enabled); retry later
	Internal                  // a fault of the server
)

var kindNames = [...]string{
	Other: "other", Malformed: "malformed", Validation: "validation", NotFound: "not-found",
	InvalidTransition: "invalid-transition", Conflict: "conflict", PreconditionFailed: "precondition-failed",
	IdempotencyKeyReused: "idempotency-key-reused", Unauthorized: "unauthorized", Forbidden: "forbidden",
	TooLarge: "too-large", UnsupportedMediaType: "unsupported-media-type", RateLimited: "rate-limited",
	Unavailable: "unavailable", Internal: "internal",
}

// Kinds lists every kind but Other, in declaration order (for tables and their tests).
func Kinds() []Kind {
	ks := make([]Kind, 0, len(kindNames)-1)
	for k := Malformed; k <= Internal; k++ {
		ks = append(ks, k)
	}
	return ks
}

// String is the kind's stable name, the last segment of a problem type URI.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "other"
}

// Error makes a Kind usable as an errors.Is target and as a bare error.
func (k Kind) Error() string { return k.String() }

// ErrorKind lets KindOf find a bare Kind in a chain.
func (k Kind) ErrorKind() Kind { return k }

// Error is a sentinel or an error with a kind: its message is Msg alone, so wrapping an
// existing sentinel in an Error keeps the texts clients already see.
type Error struct {
	Kind Kind
	Msg  string
	Err  error // the underlying error, if any
}

// E returns an error of kind k with message msg.
func E(k Kind, msg string) *Error { return &Error{Kind: k, Msg: msg} }

func (e *Error) Error() string {
	switch {
	case e.Err == nil:
		return e.Msg
	case e.Msg == "":
		return e.Err.Error()
	}
	return e.Msg + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, kind) true for an Error of that kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k != Other && k == e.Kind
}

// ErrorKind reports the error's kind.
func (e *Error) ErrorKind() Kind { return e.Kind }

// Kinded is any error that knows its kind (Kind, *Error, and the domain's typed errors).
type Kinded interface {
	error
	ErrorKind() Kind
}

// KindOf returns the kind of the first error in err's chain that has one, or Other.
func KindOf(err error) Kind {
	var k Kinded
	if errors.As(err, &k) {
		return k.ErrorKind()
	}
	return Other
}
