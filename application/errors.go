package application

import (
	"errors"

	"github.com/ticketengine/ticketengine/domain"
)

// The application reuses the domain's closed set of error kinds; these are aliases so
// adapters need only import application.
var (
	ErrInvalid             = domain.ErrInvalid
	ErrInvalidTransition   = domain.ErrInvalidTransition
	ErrNotFound            = domain.ErrNotFound
	ErrConflict            = domain.ErrConflict
	ErrPrecondition        = domain.ErrPrecondition
	ErrIdempotencyMismatch = domain.ErrIdempotencyMismatch
)

// ErrConfig: a configuration value is wrong; the process should not start.
var ErrConfig = errors.New("configuration")

// ErrUnauthorized: no valid credentials (401).
var ErrUnauthorized = errors.New("unauthorized")

// ErrForbidden: valid credentials, but the role may not do this (403).
var ErrForbidden = errors.New("forbidden")
