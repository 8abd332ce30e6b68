package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/application"
)

// maxBody is the largest request body accepted.
const maxBody = 1 << 20

// readBody reads a JSON request body: at most 1 MiB, JSON media type, valid UTF-8.
// An empty body is returned as nil (commands that need no fields accept it).
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errTooLarge
		}
		return nil, fmt.Errorf("%w: reading the body: %v", errMalformed, err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	if ct := r.Header.Get("Content-Type"); !isJSONMediaType(ct) {
		return nil, fmt.Errorf("%w: Content-Type %q; send application/json", errMediaType, ct)
	}
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("%w: the body is not valid UTF-8", errMalformed)
	}
	return body, nil
}

func isJSONMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// decodeStrict decodes one JSON object into v, refusing unknown fields, wrong types and
// trailing data, after the text rule at the edge (checkJSON): every key and string value
// valid, no duplicate keys. It returns the body as decoded, CR and CRLF normalised, which is
// what the request's idempotency hash covers. A nil body decodes as {} when allowEmpty, else
// it is malformed.
func decodeStrict(body []byte, v any, allowEmpty bool) ([]byte, error) {
	if body == nil {
		if allowEmpty {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: a JSON body is required", errMalformed)
	}
	if b := bytes.TrimSpace(body); len(b) == 0 || b[0] != '{' {
		return nil, fmt.Errorf("%w: the body must be a JSON object", errMalformed)
	}
	body, err := checkJSON(body)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object", errMalformed)
	}
	return body, nil
}

// describeJSONError says what is wrong in the caller's words, never Go's: a wrong type names
// the field and the JSON kind it must be; an unknown field is named.
func describeJSONError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return edgeFieldError(te.Field, "must be "+jsonKind(te.Type))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if n, uerr := strconv.Unquote(name); uerr == nil {
			return edgeFieldError(n, "is not a known field")
		}
	}
	return fmt.Errorf("%w: %v", errMalformed, err)
}

// jsonKind names what a Go type accepts, as JSON.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another kind of value"
}

// requestHash identifies a request for idempotency: method, path and canonical body.
func requestHash(r *http.Request, body []byte) string {
	canon := []byte("{}")
	if body != nil {
		if c, err := application.CanonicalJSON(body); err == nil {
			canon = c
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	h.Write(canon)
	return hex.EncodeToString(h.Sum(nil))
}

// parseIfMatch reads `If-Match: "<version>"` (a weak W/ prefix is tolerated); absent or
// `*` means no precondition. Anything else, an unquoted `0` included, is a 400.
func parseIfMatch(r *http.Request) (*int64, error) {
	raw := strings.TrimSpace(r.Header.Get("If-Match"))
	if raw == "" || raw == "*" {
		return nil, nil
	}
	q := strings.TrimPrefix(raw, "W/")
	bad := edgeFieldError("If-Match", `must be a version such as "3" (quoted), W/"3" or *`)
	if len(q) < 3 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, bad
	}
	digits := q[1 : len(q)-1]
	if strings.TrimLeft(digits, "0123456789") != "" {
		return nil, bad
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return nil, bad
	}
	return &v, nil
}

// parseIdempotencyKey reads the Idempotency-Key header: printable ASCII, at most 255.
func parseIdempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if len(k) > 255 {
		return "", edgeFieldError("Idempotency-Key", "is at most 255 characters")
	}
	for _, c := range k {
		if c < 0x21 || c > 0x7e {
			return "", edgeFieldError("Idempotency-Key", "must be printable ASCII without spaces")
		}
	}
	return k, nil
}

// decodeCommand reads and strictly decodes a command's body into req and collects the
// command's metadata for principal p: the preamble every command handler shares.
func decodeCommand(w http.ResponseWriter, r *http.Request, p application.Principal, req any, allowEmpty bool) (application.CommandMeta, error) {
	body, err := readBody(w, r)
	if err != nil {
		return application.CommandMeta{}, err
	}
	if body, err = decodeStrict(body, req, allowEmpty); err != nil {
		return application.CommandMeta{}, err
	}
	return commandMeta(r, p, body)
}
