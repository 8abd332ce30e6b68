package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
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
	errMalformed   = errors.New("malformed request")
	errTooLarge    = errors.New("request body over 1 MiB")
	errMediaType   = errors.New("unsupported media type")
	errRateLimited = errors.New("too many look-ups")
)

// problemFor maps an error to its problem, once, by kind. Anything without a kind is a
// server fault: logged with its detail, answered without it.
func problemFor(err error) Problem {
	var ve *domain.ValidationError
	var ee *edgeError
	switch {
	case errors.As(err, &ee):
		return Problem{Type: problemBase + "malformed", Title: "Malformed request", Status: http.StatusBadRequest, Detail: err.Error(), Errors: ee.fields()}
	case errors.As(err, &ve):
		return Problem{Type: problemBase + "validation", Title: "Invalid field values", Status: http.StatusUnprocessableEntity, Detail: err.Error(), Errors: ve.Fields}
	case errors.Is(err, errMalformed):
		return Problem{Type: problemBase + "malformed", Title: "Malformed request", Status: http.StatusBadRequest, Detail: err.Error()}
	case errors.Is(err, errTooLarge):
		return Problem{Type: problemBase + "too-large", Title: "Request body too large", Status: http.StatusRequestEntityTooLarge, Detail: err.Error()}
	case errors.Is(err, errMediaType):
		return Problem{Type: problemBase + "unsupported-media-type", Title: "Unsupported media type", Status: http.StatusUnsupportedMediaType, Detail: err.Error()}
	case errors.Is(err, errRateLimited):
		return Problem{Type: problemBase + "rate-limited", Title: "Too many requests", Status: http.StatusTooManyRequests, Detail: err.Error()}
	case errors.Is(err, application.ErrUnauthorized):
		return Problem{Type: problemBase + "unauthorized", Title: "Missing or invalid bearer token", Status: http.StatusUnauthorized}
	case errors.Is(err, application.ErrForbidden):
		return Problem{Type: problemBase + "forbidden", Title: "Role not allowed", Status: http.StatusForbidden, Detail: err.Error()}
	case errors.Is(err, domain.ErrNotFound):
		return Problem{Type: problemBase + "not-found", Title: "Not found", Status: http.StatusNotFound}
	case errors.Is(err, domain.ErrInvalidTransition):
		return Problem{Type: problemBase + "invalid-transition", Title: "Transition not allowed", Status: http.StatusConflict, Detail: err.Error()}
	case errors.Is(err, domain.ErrPrecondition):
		return Problem{Type: problemBase + "precondition-failed", Title: "If-Match does not match the current version", Status: http.StatusPreconditionFailed, Detail: err.Error()}
	case errors.Is(err, domain.ErrConflict):
		return Problem{Type: problemBase + "conflict", Title: "Concurrent change", Status: http.StatusConflict, Detail: err.Error()}
	case errors.Is(err, domain.ErrIdempotencyMismatch):
		return Problem{Type: problemBase + "idempotency-key-reused", Title: "Idempotency key reused with another request", Status: http.StatusUnprocessableEntity, Detail: err.Error()}
	case errors.Is(err, domain.ErrInvalid):
		return Problem{Type: problemBase + "validation", Title: "Invalid field values", Status: http.StatusUnprocessableEntity, Detail: err.Error()}
	}
	return Problem{Type: problemBase + "internal", Title: "Internal error", Status: http.StatusInternalServerError}
}

// writeProblem answers with the error's problem document.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := problemFor(err)
	if p.Status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if p.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
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
