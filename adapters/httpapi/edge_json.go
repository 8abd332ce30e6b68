package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ticketengine/ticketengine/domain/text"
)

// maxJSONDepth bounds nesting: no request needs more than three levels, and the JSON paths
// the errors name must stay small.
const maxJSONDepth = 32

// jsonFrame is one open object or array while walking a body.
type jsonFrame struct {
	path    string
	object  bool
	keys    map[string]bool // keys seen, folded: encoding/json matches keys without case
	pending string          // the key whose value comes next (objects)
	wantKey bool            // the next token in this object is a key
	n       int             // members written so far
}

// valuePath is the JSON path of the frame's next value.
func (f *jsonFrame) valuePath() string {
	if f.object {
		return joinPath(f.path, f.pending)
	}
	return fmt.Sprintf("%s[%d]", f.path, f.n)
}

// checkJSON applies the text rule to every key and string value of a JSON body, at any depth,
// and refuses duplicate keys (also ones differing only in case, which encoding/json would
// silently merge), lone surrogate escapes (`\ud800`, which encoding/json would turn into
// U+FFFD) and nesting deeper than maxJSONDepth. It returns the body re-encoded with CR and
// CRLF normalised to LF; a refusal is an *edgeError naming the field by its JSON path.
// Per-field length limits stay with the domain (422); the body's 1 MiB bounds the rest.
func checkJSON(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out bytes.Buffer
	var stack []*jsonFrame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 { // Token says EOF, not an error, inside an open object
				return nil, fmt.Errorf("%w: the JSON body ends too early", errMalformed)
			}
			return out.Bytes(), nil
		}
		if err != nil {
			return nil, describeJSONError(err)
		}
		raw := body[start:dec.InputOffset()]
		if len(stack) == 0 {
			if out.Len() > 0 {
				return nil, fmt.Errorf("%w: data after the JSON object", errMalformed)
			}
			stack, err = writeValue(&out, stack, tok, "", raw)
		} else if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			out.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			if len(stack) > 0 {
				stack[len(stack)-1].done()
			}
		} else if top := stack[len(stack)-1]; top.object && top.wantKey {
			err = writeKey(&out, top, tok, raw)
		} else {
			if !top.object && top.n > 0 {
				out.WriteByte(',')
			}
			stack, err = writeValue(&out, stack, tok, top.valuePath(), raw)
		}
		if err != nil {
			return nil, err
		}
	}
}

// done records that the frame's current value is complete.
func (f *jsonFrame) done() {
	f.n++
	f.wantKey = f.object
}

// writeKey checks and writes an object's key.
func writeKey(out *bytes.Buffer, top *jsonFrame, tok json.Token, raw []byte) error {
	k := tok.(string) // the decoder yields only strings in key position
	if loneSurrogate(raw) {
		return edgeFieldError(joinPath(top.path, strconv.QuoteToASCII(k)), "is not valid UTF-8 (a lone surrogate escape)")
	}
	norm, err := text.Normalize(k, text.MaxShort)
	if err != nil {
		return edgeFieldError(joinPath(top.path, strconv.QuoteToASCII(k)), "(a key) "+err.Error())
	}
	folded := strings.ToLower(norm)
	if top.keys[folded] {
		return edgeFieldError(joinPath(top.path, norm), "is a duplicate key")
	}
	top.keys[folded] = true
	if top.n > 0 {
		out.WriteByte(',')
	}
	writeString(out, norm)
	out.WriteByte(':')
	top.pending, top.wantKey = norm, false
	return nil
}

// writeValue checks and writes one value at path, opening a frame for an object or array.
func writeValue(out *bytes.Buffer, stack []*jsonFrame, tok json.Token, path string, raw []byte) ([]*jsonFrame, error) {
	var top *jsonFrame
	if len(stack) > 0 {
		top = stack[len(stack)-1]
	}
	switch v := tok.(type) {
	case json.Delim:
		if len(stack) == maxJSONDepth {
			return nil, edgeFieldError(path, fmt.Sprintf("is nested deeper than %d levels", maxJSONDepth))
		}
		out.WriteByte(byte(v))
		f := &jsonFrame{path: path, object: v == '{', wantKey: v == '{'}
		if f.object {
			f.keys = map[string]bool{}
		}
		return append(stack, f), nil
	case string:
		if loneSurrogate(raw) {
			return nil, edgeFieldError(path, "is not valid UTF-8 (a lone surrogate escape)")
		}
		s, err := text.Normalize(v, 0)
		if err != nil {
			return nil, edgeFieldError(path, err.Error())
		}
		writeString(out, s)
	case json.Number:
		out.WriteString(v.String())
	case bool:
		out.WriteString(strconv.FormatBool(v))
	case nil:
		out.WriteString("null")
	}
	if top != nil {
		top.done()
	}
	return stack, nil
}

func writeString(out *bytes.Buffer, s string) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out.Truncate(out.Len() - 1) // Encode ends with a newline
}

// joinPath names a member: "customer" + "name" is "customer.name".
func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// loneSurrogate reports whether a raw JSON string token (with whatever separators precede
// it) holds a \u escape of a UTF-16 surrogate that is not part of a high-low pair.
func loneSurrogate(raw []byte) bool {
	i := bytes.IndexByte(raw, '"')
	if i < 0 || !bytes.Contains(raw, []byte(`\u`)) {
		return false
	}
	lit := raw[i:]
	for j := 0; j < len(lit); j++ {
		if lit[j] != '\\' {
			continue
		}
		j++ // the escaped character
		if j >= len(lit) || lit[j] != 'u' {
			continue
		}
		r := hex4(lit, j+1)
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if j+10 >= len(lit) || lit[j+5] != '\\' || lit[j+6] != 'u' {
				return true
			}
			if lo := hex4(lit, j+7); lo < 0xDC00 || lo > 0xDFFF {
				return true
			}
			j += 10 // the low half of the pair
		default:
			j += 4
		}
	}
	return false
}

// hex4 reads four hex digits at b[i:], or -1.
func hex4(b []byte, i int) int {
	if i+4 > len(b) {
		return -1
	}
	v, err := strconv.ParseUint(string(b[i:i+4]), 16, 32)
	if err != nil {
		return -1
	}
	return int(v)
}
