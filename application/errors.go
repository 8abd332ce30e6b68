package application

import (
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// The application reuses the domain's sentinels (kinds of domain/errs); these are aliases
// so adapters need only import application.
var (
	ErrInvalid             = domain.ErrInvalid
	ErrInvalidTransition   = domain.ErrInvalidTransition
	ErrNotFound            = domain.ErrNotFound
	ErrConflict            = domain.ErrConflict
	ErrPrecondition        = domain.ErrPrecondition
	ErrIdempotencyMismatch = domain.ErrIdempotencyMismatch
)

// ErrUnavailable: the server cannot do this yet or here (routing still starting,
// auto-assignment not enabled): a state of the server, not of the request (503, Retry-After).
var ErrUnavailable = errs.E(errs.Unavailable, "unavailable")

// ErrConfig: a configuration value is wrong; the process should not start.
var ErrConfig = errs.E(errs.Internal, "configuration")

// ErrUnauthorized: no valid credentials (401); the one of application/access.
var ErrUnauthorized = access.ErrUnauthorized

// ErrForbidden: valid credentials, but the role may not do this (403); the one of application/access.
var ErrForbidden = access.ErrForbidden
