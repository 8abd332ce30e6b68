package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/text"
)

// edgeError is a request refused at the edge for one named field (a JSON path, a query
// parameter, a path value or a header): a 400 whose problem names it in errors[].field.
type edgeError struct {
	field, message string
}

func (e *edgeError) Error() string {
	return fmt.Sprintf("%s: %s %s", errMalformed, e.field, e.message)
}

func (e *edgeError) Unwrap() error { return errMalformed }

// fields is the problem's errors[] for this refusal.
func (e *edgeError) fields() []domain.FieldError {
	return []domain.FieldError{{Field: e.field, Message: e.message}}
}

func edgeFieldError(field, message string) error {
	return &edgeError{field: field, message: message}
}

// maxHeader bounds the headers that reach events and responses, in characters.
const maxHeader = text.MaxShort

// checkHeaders applies the text rule to the headers that reach events or responses, without
// normalising: a header value never holds a newline, so anything the rule would change is
// refused.
func checkHeaders(r *http.Request) error {
	for _, name := range []string{"X-Request-ID", "X-Correlation-ID"} {
		v := r.Header.Get(name)
		if !text.Valid(v, maxHeader) {
			return edgeFieldError(name, headerReason(v))
		}
	}
	return nil
}

func headerReason(v string) string {
	if _, err := text.Normalize(v, maxHeader); err != nil {
		return err.Error()
	}
	return "contains a line break"
}

// checkQuery applies the text rule to every query parameter, names and values, and rewrites
// the query with CR and CRLF normalised. A query that does not parse is refused whole.
func checkQuery(r *http.Request) error {
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return edgeFieldError("query", "is not a valid query string")
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names) // the same input always names the same parameter
	changed := false
	for _, name := range names {
		n, err := text.Normalize(name, text.MaxShort)
		if err != nil || n != name {
			return edgeFieldError("query", "has a parameter name that "+headerReason(name))
		}
		for i, v := range q[name] {
			norm, err := text.Normalize(v, text.MaxShort)
			if err != nil {
				return edgeFieldError(name, err.Error())
			}
			changed = changed || norm != v
			q[name][i] = norm
		}
	}
	if changed {
		r.URL.RawQuery = q.Encode()
	}
	return nil
}

// checkPathVars is router middleware: the rule for every path value the route names
// ({id}, {number}, {name}), before any handler or store sees it. A path value never needs a
// line break, so anything the rule would change is refused.
func (s *Server) checkPathVars(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		vars := mux.Vars(r)
		names := make([]string, 0, len(vars))
		for name := range vars {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if v := vars[name]; !text.Valid(v, text.MaxShort) || strings.Contains(v, "\n") {
				s.writeProblem(w, r, edgeFieldError(name, "(in the path) "+headerReason(v)))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
