package web

import (
	"errors"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
	"github.com/ticketengine/ticketengine/domain/text"
)

// Form limits: a form without files is as large as the API's bodies; with files, the
// attachments port sets its own limits per file and this bounds the whole request.
const (
	maxForm       = 1 << 20
	maxUpload     = 32 << 20
	maxFormMemory = 1 << 20
)

// form is a posted form, every value through the text rule (domain/text: CRLF → LF, no
// control characters), so what reaches a command is what the API would pass.
type form struct {
	values map[string]string
	files  map[string][]*multipart.FileHeader
}

// readForm reads a urlencoded or multipart form; a field that breaks the text rule is a
// validation error naming it.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (form, error) {
	limit := int64(maxForm)
	if s.Customers.Features().Attachments {
		limit = maxUpload
	}
	return s.readDeskForm(w, r, limit)
}

// readDeskForm is readForm with the request's size limit given.
func (s *Server) readDeskForm(w http.ResponseWriter, r *http.Request, limit int64) (form, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	err := r.ParseMultipartForm(maxFormMemory)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return form{}, errs.E(errs.TooLarge, "form too large")
	}
	if err != nil {
		return form{}, errs.E(errs.Malformed, "unreadable form")
	}
	f := form{values: map[string]string{}}
	for k, vs := range r.PostForm {
		v, err := text.Normalize(vs[0], 0)
		if err != nil {
			return form{}, invalid(k, err.Error())
		}
		f.values[k] = v
	}
	if r.MultipartForm != nil {
		f.files = r.MultipartForm.File
	}
	return f, nil
}

// intField reads an optional integer field; absent is nil.
func (f form) intField(name string) (*int, error) {
	v, ok := f.values[name]
	if !ok || v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, invalid(name, "must be a whole number")
	}
	return &n, nil
}

func invalid(field, reason string) error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: reason}}}
}

// queryValue is a query parameter through the text rule; a broken one is empty.
func queryValue(r *http.Request, name string) string {
	v, err := text.Normalize(r.URL.Query().Get(name), text.MaxShort)
	if err != nil {
		return ""
	}
	return v
}

// meta is what every command from a page carries: the actor and the request as cause.
func meta(p access.Principal) command.CommandMeta {
	id := uuid.NewString()
	return command.CommandMeta{Actor: p.Actor(), CorrelationID: id, CausationID: id}
}

// opener is the principal of whoever opens a ticket from a client address: the customer,
// with the address in pseudonymous form, as the API's self-service (the same keyed
// function, Options.Pseudonyms, so the event log tells no difference between the two doors).
func (s *Server) opener(r *http.Request) access.Principal {
	addr := s.clientAddr(r)
	return access.Principal{Role: access.RoleCustomer, Subject: s.Pseudonyms.ClientPseudonym(addr)}
}

// fieldMessages lists a validation error's fields for the form to show.
func fieldMessages(err error) []fieldMessage {
	var ve *domain.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	out := make([]fieldMessage, len(ve.Fields))
	for i, f := range ve.Fields {
		out[i] = fieldMessage{Field: f.Field}
	}
	return out
}

// failWith shows the error page for an error: its kind (domain/errs) maps to a status
// and a message key here, in one place; kinds the pages do not expect are a logged 500.
func (s *Server) failWith(w http.ResponseWriter, r *http.Request, err error) {
	status, key := http.StatusInternalServerError, "error.internal"
	switch errs.KindOf(err) {
	case errs.NotFound:
		status, key = http.StatusNotFound, "error.not_found"
	case errs.RateLimited:
		status, key = http.StatusTooManyRequests, "error.rate_limited"
	case errs.InvalidTransition, errs.Conflict, errs.PreconditionFailed:
		status, key = http.StatusConflict, "error.conflict"
	case errs.TooLarge:
		status, key = http.StatusRequestEntityTooLarge, "error.too_large"
	case errs.Malformed, errs.Validation, errs.UnsupportedMediaType, errs.IdempotencyKeyReused:
		status, key = http.StatusBadRequest, "error.malformed"
	case errs.Unavailable:
		status, key = http.StatusServiceUnavailable, "error.unavailable"
	default:
		s.Logger.ErrorContext(r.Context(), "page failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	s.fail(w, r, status, key)
}

// readIDForm reads the {id} of a POST on one thing (an account, an article) and its form;
// ok is false when either is refused, the answer already written (404 for an id that is
// no UUID, as for an unknown one).
func (s *Server) readIDForm(w http.ResponseWriter, r *http.Request) (uuid.UUID, form, bool) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, application.ErrNotFound)
		return id, form{}, false
	}
	f, err := s.readDeskForm(w, r, maxForm)
	if err != nil {
		s.failWith(w, r, err)
		return id, form{}, false
	}
	return id, f, true
}
