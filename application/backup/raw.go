package backup

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/ticketengine/ticketengine/application"
)

// rawFields holds, base64 (standard, padded), the exact bytes of the fields JSON would
// not carry: each string field that is not valid UTF-8, and data whose canonical form
// loses a value (application.CanonicalJSONLossless). A field left out is carried by the
// line's own field. The readable fields stay on the line as JSON renders them (with
// U+FFFD), and import checks that they agree with these bytes, so that a reader of the
// file is never shown one thing while another is imported. Keys are declared sorted.
type rawFields struct {
	Actor          string  `json:"actor,omitempty"`
	CausationID    string  `json:"causation_id,omitempty"`
	CorrelationID  string  `json:"correlation_id,omitempty"`
	Data           *string `json:"data,omitempty"` // a pointer: empty data is carried too
	IdempotencyKey string  `json:"idempotency_key,omitempty"`
	RequestHash    string  `json:"request_hash,omitempty"`
	Rule           string  `json:"rule,omitempty"`
	Stream         string  `json:"stream,omitempty"`
	Type           string  `json:"type,omitempty"`
}

// textFields pairs each string field of a record with its slot in rawFields. PrevHash and
// Hash are left out: a record whose hashes are not the hex that ComputeHash writes does
// not verify, so export never meets one worth keeping.
func textFields(r *application.Record, f *rawFields) []struct {
	name      string
	value     *string
	rawString *string
} {
	m := &r.Meta
	return []struct {
		name      string
		value     *string
		rawString *string
	}{
		{"actor", &m.Actor, &f.Actor}, {"causation_id", &m.CausationID, &f.CausationID},
		{"correlation_id", &m.CorrelationID, &f.CorrelationID}, {"idempotency_key", &m.IdempotencyKey, &f.IdempotencyKey},
		{"request_hash", &m.RequestHash, &f.RequestHash}, {"rule", &m.Rule, &f.Rule},
		{"stream", &r.Stream, &f.Stream}, {"type", &r.Type, &f.Type},
	}
}

// rawOf returns the fields of r that need their bytes carried, or nil when none does:
// then the line is exactly what it was before this field existed.
func rawOf(r application.Record, data bool) *rawFields {
	var f rawFields
	need := data
	if data {
		b64 := base64.StdEncoding.EncodeToString(r.Data)
		f.Data = &b64
	}
	for _, t := range textFields(&r, &f) {
		if !utf8.ValidString(*t.value) {
			*t.rawString = base64.StdEncoding.EncodeToString([]byte(*t.value))
			need = true
		}
	}
	if !need {
		return nil
	}
	return &f
}

// restore puts the carried bytes into r, checking each against what the line shows.
func (f *rawFields) restore(r *application.Record) error {
	if *f == (rawFields{}) {
		return errors.New("empty")
	}
	for _, t := range textFields(r, f) {
		if *t.rawString == "" {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(*t.rawString)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if shown(string(b)) != *t.value {
			return fmt.Errorf("%s: the bytes do not match the line's %s", t.name, t.name)
		}
		*t.value = string(b)
	}
	if f.Data != nil {
		b, err := base64.StdEncoding.DecodeString(*f.Data)
		if err != nil {
			return fmt.Errorf("data: %w", err)
		}
		canon, err := application.CanonicalJSON(b)
		if err != nil || !bytes.Equal(canon, r.Data) {
			return errors.New("data: the bytes do not match the line's data")
		}
		r.Data = b
	}
	return nil
}

// shown is s as the line's JSON string field reads back: encoding/json writes each byte
// that is not UTF-8 as U+FFFD.
func shown(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	var back string
	_ = json.Unmarshal(b, &back)
	return back
}
