package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// problemBase prefixes every problem type URI.
const problemBase = "https://ticketengine.dev/problems/"

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail,omitempty"`
	Errors []domain.FieldError `json:"errors,omitempty"`
}

// Errors raised by the HTTP layer itself, before a command runs.
var (
	errMalformed   = errs.E(errs.Malformed, "malformed request")
	errTooLarge    = errs.E(errs.TooLarge, "request body over 1 MiB")
	errMediaType   = errs.E(errs.UnsupportedMediaType, "unsupported media type")
	errRateLimited = access.ErrRateLimited
)

// problemKind is how one error kind answers over HTTP.
type problemKind struct {
	kind       errs.Kind
	status     int
	title      string
	detail     bool   // whether the error's text is shown (never for server faults)
	retryAfter string // seconds, for kinds the client should retry later
}

// problemTable maps every error kind to its answer: the one place a kind becomes a status.
// It is searched in order with errors.Is, so an error carrying two kinds answers with the
// first; validation comes first so its field list is kept.
var problemTable = []problemKind{
	{errs.Validation, http.StatusUnprocessableEntity, "Invalid field values", true, ""},
	{errs.Malformed, http.StatusBadRequest, "Malformed request", true, ""},
	{errs.TooLarge, http.StatusRequestEntityTooLarge, "Request body too large", true, ""},
	{errs.UnsupportedMediaType, http.StatusUnsupportedMediaType, "Unsupported media type", true, ""},
	{errs.RateLimited, http.StatusTooManyRequests, "Too many requests", true, "60"},
	{errs.Unavailable, http.StatusServiceUnavailable, "Not available yet", true, "10"},
	{errs.Unauthorized, http.StatusUnauthorized, "Missing or invalid bearer token", false, ""},
	{errs.Forbidden, http.StatusForbidden, "Role not allowed", true, ""},
	{errs.NotFound, http.StatusNotFound, "Not found", false, ""},
	{errs.InvalidTransition, http.StatusConflict, "Transition not allowed", true, ""},
	{errs.PreconditionFailed, http.StatusPreconditionFailed, "If-Match does not match the current version", true, ""},
	{errs.Conflict, http.StatusConflict, "Concurrent change", true, ""},
	{errs.IdempotencyKeyReused, http.StatusUnprocessableEntity, "Idempotency key reused with another request", true, ""},
	{errs.Internal, http.StatusInternalServerError, "Internal error", false, ""},
}

// problemFor maps an error to its problem, once, by kind. Anything without a kind is a
// server fault: logged with its detail, answered without it.
func problemFor(err error) (Problem, problemKind) {
	pk, p := kindProblem(err)
	if pk.detail {
		p.Detail = err.Error()
	}
	var ve *domain.ValidationError
	var ee *edgeError
	switch {
	case pk.kind == errs.Malformed && errors.As(err, &ee):
		p.Errors = ee.fields() // the field the edge refused
	case pk.kind == errs.Validation && errors.As(err, &ve):
		p.Errors = ve.Fields
	}
	return p, pk
}

// kindProblem finds the error's row of problemTable (Internal when it has no kind).
func kindProblem(err error) (problemKind, Problem) {
	pk := problemTable[len(problemTable)-1]
	for _, row := range problemTable {
		if errors.Is(err, row.kind) {
			pk = row
			break
		}
	}
	return pk, Problem{Type: problemBase + pk.kind.String(), Title: pk.title, Status: pk.status}
}

// writeProblem answers with the error's problem document.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p, pk := problemFor(err)
	if p.Status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("client", s.clientAddr(r)), slog.Any("err", err))
	}
	if pk.retryAfter != "" {
		w.Header().Set("Retry-After", pk.retryAfter)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON answers with a JSON body.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}

// errNoRoute answers paths the API does not have, as a plain 404.
var errNoRoute = domain.ErrNotFound

func writeBody(w http.ResponseWriter, body any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(body)
}
