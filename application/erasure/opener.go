package erasure

import (
	"bytes"
	"context"
	"crypto/cipher"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Opener opens the sealed fields of stored records, whatever their event type: every
// sealed field names its key (pii2) or its stream does (pii1), so it walks the JSON
// payload for sealed strings and replaces each with its plain text, or with "" once its
// key is destroyed (the customer was erased). A field whose key never existed, or that does not
// open with its key (moved from another stream, altered) is left as it is. Records
// holding no sealed field cost one bytes.Index.
type Opener struct {
	Keys KeyStore
}

// marker starts every sealed string in JSON: both prefixes begin with "pii.
var marker = []byte(`"pii`)

// Record returns r with its data opened. Its hashes are those of the stored (sealed)
// record: verify the chain on the store's own records, not on opened ones.
func (o Opener) Record(ctx context.Context, r eventlog.Record) (eventlog.Record, error) {
	if !bytes.Contains(r.Data, marker) {
		return r, nil
	}
	data, err := o.Data(ctx, r.Stream, r.Data)
	if err != nil {
		return r, fmt.Errorf("open %s v%d: %w", r.Stream, r.Version, err)
	}
	r.Data = data
	return r, nil
}

// Records returns recs opened. It never writes into recs (a store may answer its own
// array): the first record that changes makes a copy.
func (o Opener) Records(ctx context.Context, recs []eventlog.Record) ([]eventlog.Record, error) {
	out := recs
	for i := range recs {
		if !bytes.Contains(recs[i].Data, marker) {
			continue
		}
		r, err := o.Record(ctx, recs[i])
		if err != nil {
			return recs, err
		}
		if &out[0] == &recs[0] {
			out = append([]eventlog.Record(nil), recs...)
		}
		out[i] = r
	}
	return out, nil
}

// Data opens the sealed strings of a JSON payload written to stream. It returns data
// itself when nothing was sealed.
func (o Opener) Data(ctx context.Context, stream string, data []byte) ([]byte, error) {
	var out []byte
	var c aeadCache // the fields of one event share one key: one cipher for all
	last, i := 0, 0
	for {
		j := bytes.Index(data[i:], marker)
		if j < 0 {
			break
		}
		j += i
		end := bytes.IndexByte(data[j+1:], '"')
		if end < 0 {
			break
		}
		end += j + 1
		i = end + 1
		field := string(data[j+1 : end])
		if !startsString(data, j) || !IsSealed(field) || bytes.IndexByte(data[j+1:end], '\\') >= 0 {
			i = j + 1
			continue
		}
		plain, ok, err := o.field(ctx, stream, field, &c)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		enc, _ := json.Marshal(plain) // a string always encodes
		out = append(append(out, data[last:j]...), enc...)
		last = end + 1
	}
	if out == nil {
		return data, nil
	}
	return append(out, data[last:]...), nil
}

// startsString reports whether the quote at j opens a JSON string value: inside a string
// a quote is always escaped, so an opening one follows ':', ',' or '[' (after spaces).
func startsString(data []byte, j int) bool {
	for k := j - 1; k >= 0; k-- {
		switch data[k] {
		case ' ', '\t', '\n', '\r':
			continue
		case ':', ',', '[':
			return true
		}
		return false
	}
	return false
}

// Field opens one sealed field of stream: ok is false when it does not open (malformed,
// or not sealed with the key it names for this stream), and the field stays as it is.
func (o Opener) Field(ctx context.Context, stream, field string) (string, bool, error) {
	return o.field(ctx, stream, field, &aeadCache{})
}

// aeadCache is the cipher of the last key an opening used.
type aeadCache struct {
	id   uuid.UUID
	aead cipher.AEAD
}

func (o Opener) field(ctx context.Context, stream, field string, c *aeadCache) (string, bool, error) {
	id, ok := KeyOf(stream, field)
	if !ok {
		return "", false, nil
	}
	key, err := o.Keys.Lookup(ctx, id)
	if errors.Is(err, ErrErased) {
		return "", true, nil
	}
	if errors.Is(err, application.ErrNotFound) {
		// Every key is made before anything is sealed with it: text naming a key that
		// never was is plain text that looks sealed (or a lost key store), shown as it is.
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("data key %s: %w", id, err)
	}
	if !strings.HasPrefix(field, sealed2Prefix) {
		plain, err := OpenIn(key, stream, field)
		return plain, err == nil, nil
	}
	if c.aead == nil || c.id != id {
		if c.aead, err = gcm(key); err != nil {
			return "", false, err
		}
		c.id = id
	}
	plain, err := open2(c.aead, id, stream, field)
	return plain, err == nil, nil
}
