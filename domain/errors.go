package domain

import (
	"fmt"
	"strings"

	"github.com/ticketengine/ticketengine/domain/errs"
)

// The domain's sentinel errors, one per kind of domain/errs it raises. Every error the
// engine returns wraps a kind, so an adapter maps a kind to a status once; errors.Is works
// both on these sentinels and on their kinds (errors.Is(err, errs.NotFound)).
var (
	// ErrInvalid: a command's fields are malformed or out of range (errs.Validation, 422).
	ErrInvalid = errs.E(errs.Validation, "invalid")
	// ErrInvalidTransition: the command is not allowed from the ticket's current status (409).
	ErrInvalidTransition = errs.E(errs.InvalidTransition, "invalid transition")
	// ErrNotFound: the ticket, agent or stream does not exist (404).
	ErrNotFound = errs.E(errs.NotFound, "not found")
	// ErrConflict: a concurrent change won, and deciding again also lost (409).
	ErrConflict = errs.E(errs.Conflict, "concurrent change")
	// ErrPrecondition: the caller's expected version (If-Match) is not the current one (412).
	ErrPrecondition = errs.E(errs.PreconditionFailed, "precondition failed")
	// ErrIdempotencyMismatch: an idempotency key was reused with another request (422).
	ErrIdempotencyMismatch = errs.E(errs.IdempotencyKeyReused, "idempotency key reused with another request")
)

// FieldError names one invalid field of a command.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every invalid field of a command; it is an ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) and errors.Is(err, errs.Validation) true for a ValidationError.
func (e *ValidationError) Is(target error) bool {
	return target == ErrInvalid || target == errs.Validation
}

// ErrorKind is errs.Validation.
func (e *ValidationError) ErrorKind() errs.Kind { return errs.Validation }

// validator collects field errors while a command is checked.
type validator struct{ fields []FieldError }

func (v *validator) check(ok bool, field, message string) {
	if !ok {
		v.fields = append(v.fields, FieldError{Field: field, Message: message})
	}
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.fields}
}

// TransitionError says which command a status refused; it is an ErrInvalidTransition.
type TransitionError struct {
	Command string
	From    Status
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s is not allowed from status %q", e.Command, e.From)
}

// Is makes errors.Is(err, ErrInvalidTransition) and errors.Is(err, errs.InvalidTransition)
// true for a TransitionError.
func (e *TransitionError) Is(target error) bool {
	return target == ErrInvalidTransition || target == errs.InvalidTransition
}

// ErrorKind is errs.InvalidTransition.
func (e *TransitionError) ErrorKind() errs.Kind { return errs.InvalidTransition }
