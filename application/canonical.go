package application

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"
)

// A canonical encoder that gives byte for byte what decoding with encoding/json
// (UseNumber, into any) and encoding again (keys sorted, no HTML escaping) gives, without
// building maps and interfaces: it walks the text once and copies what is already
// canonical. Hashing every stored event goes through it, so verifying a store is bound
// by SHA-256 more than by JSON. canonical_test.go fuzzes it against that reference.
//
// Rules kept from encoding/json: numbers as written; strings re-encoded the way the
// encoder writes them (a string that is valid UTF-8 with no escape, no control character
// and no U+2028/U+2029 is copied as is; any other goes through encoding/json itself);
// duplicate keys keep the last value; keys sort by their decoded bytes; nesting deeper
// than 10000 is an error; after the top-level value, only white space may follow, or a
// ']' or '}' (json.Decoder.More stops there); input of white space only (Unicode's, as
// bytes.TrimSpace sees it) is null.

const maxCanonicalDepth = 10000

var errCanonicalSyntax = errors.New("invalid JSON")

// appendCanonical appends raw's canonical form to dst.
func appendCanonical(dst, raw []byte) ([]byte, error) {
	p := canonParser{in: raw}
	return p.canonical(dst)
}

func (p *canonParser) canonical(dst []byte) ([]byte, error) {
	if len(bytes.TrimSpace(p.in)) == 0 { // Unicode white space too, as CanonicalJSON always did
		p.lossy = true
		return append(dst, "null"...), nil
	}
	p.skipSpace()
	dst, err := p.value(dst, 0)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	p.skipSpace()
	if p.i < len(p.in) {
		if p.in[p.i] != ']' && p.in[p.i] != '}' {
			return nil, fmt.Errorf("canonical json: trailing data")
		}
		p.lossy = true
	}
	return dst, nil
}

// canonParser walks one JSON text. When track is set it also notes, in lossy, whether
// the canonical form loses anything of the input's values (canonical_lossless.go); the
// hash chain leaves it unset, so its hot path pays nothing for it.
type canonParser struct {
	in    []byte
	i     int
	track bool
	lossy bool
}

func (p *canonParser) skipSpace() {
	for p.i < len(p.in) {
		switch p.in[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *canonParser) value(dst []byte, depth int) ([]byte, error) {
	if p.i >= len(p.in) {
		return nil, errCanonicalSyntax
	}
	switch c := p.in[p.i]; {
	case c == '{':
		return p.object(dst, depth+1)
	case c == '[':
		return p.array(dst, depth+1)
	case c == '"':
		tok, err := p.stringToken()
		if err != nil {
			return nil, err
		}
		p.note(tok)
		return appendJSONString(dst, tok)
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
		if err := p.number(); err != nil {
			return nil, err
		}
		return append(dst, p.in[start:p.i]...), nil
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if bytes.HasPrefix(p.in[p.i:], []byte(lit)) {
				p.i += len(lit)
				return append(dst, lit...), nil
			}
		}
		return nil, errCanonicalSyntax
	}
}

// member is one key of an object: its decoded key and its canonical value.
type member struct {
	key, value []byte
}

func (p *canonParser) object(dst []byte, depth int) ([]byte, error) {
	if depth > maxCanonicalDepth {
		return nil, errors.New("exceeded max depth")
	}
	p.i++ // {
	members := make([]member, 0, 8)
	p.skipSpace()
	if p.i < len(p.in) && p.in[p.i] == '}' {
		p.i++
		return append(dst, "{}"...), nil
	}
	for {
		p.skipSpace()
		if p.i >= len(p.in) || p.in[p.i] != '"' {
			return nil, errCanonicalSyntax
		}
		tok, err := p.stringToken()
		if err != nil {
			return nil, err
		}
		p.note(tok)
		key, err := decodeJSONString(tok)
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.in) || p.in[p.i] != ':' {
			return nil, errCanonicalSyntax
		}
		p.i++
		p.skipSpace()
		val, err := p.value(nil, depth)
		if err != nil {
			return nil, err
		}
		members = append(members, member{key: key, value: val})
		p.skipSpace()
		if p.i >= len(p.in) {
			return nil, errCanonicalSyntax
		}
		if p.in[p.i] == '}' {
			p.i++
			break
		}
		if p.in[p.i] != ',' {
			return nil, errCanonicalSyntax
		}
		p.i++
	}
	return p.appendMembers(dst, members)
}

// appendMembers writes the members sorted by key, the last of duplicate keys winning.
func (p *canonParser) appendMembers(dst []byte, members []member) ([]byte, error) {
	slices.SortStableFunc(members, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	dst = append(dst, '{')
	first := true
	for i, m := range members {
		if i+1 < len(members) && bytes.Equal(members[i+1].key, m.key) {
			p.lossy = true
			continue // a later duplicate overrides this one
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		var err error
		if dst, err = appendJSONString(dst, quoteForReencode(m.key)); err != nil {
			return nil, err
		}
		dst = append(dst, ':')
		dst = append(dst, m.value...)
	}
	return append(dst, '}'), nil
}

func (p *canonParser) array(dst []byte, depth int) ([]byte, error) {
	if depth > maxCanonicalDepth {
		return nil, errors.New("exceeded max depth")
	}
	p.i++ // [
	dst = append(dst, '[')
	p.skipSpace()
	if p.i < len(p.in) && p.in[p.i] == ']' {
		p.i++
		return append(dst, ']'), nil
	}
	for n := 0; ; n++ {
		if n > 0 {
			dst = append(dst, ',')
		}
		p.skipSpace()
		var err error
		if dst, err = p.value(dst, depth); err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.in) {
			return nil, errCanonicalSyntax
		}
		if p.in[p.i] == ']' {
			p.i++
			return append(dst, ']'), nil
		}
		if p.in[p.i] != ',' {
			return nil, errCanonicalSyntax
		}
		p.i++
	}
}

// stringToken returns the string token at p.i, quotes included, checking only its
// framing: what is inside is checked when it is decoded or copied.
func (p *canonParser) stringToken() ([]byte, error) {
	start := p.i
	for j := p.i + 1; j < len(p.in); j++ {
		switch p.in[j] {
		case '\\':
			j++
		case '"':
			p.i = j + 1
			return p.in[start:p.i], nil
		}
	}
	return nil, errCanonicalSyntax
}

// number scans a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *canonParser) number() error {
	in, i := p.in, p.i
	digits := func() bool {
		s := i
		for i < len(in) && in[i] >= '0' && in[i] <= '9' {
			i++
		}
		return i > s
	}
	if i < len(in) && in[i] == '-' {
		i++
	}
	switch {
	case i < len(in) && in[i] == '0':
		i++
	case !digits():
		return errCanonicalSyntax
	}
	if i < len(in) && in[i] == '.' {
		i++
		if !digits() {
			return errCanonicalSyntax
		}
	}
	if i < len(in) && (in[i] == 'e' || in[i] == 'E') {
		i++
		if i < len(in) && (in[i] == '+' || in[i] == '-') {
			i++
		}
		if !digits() {
			return errCanonicalSyntax
		}
	}
	p.i = i
	return nil
}

// plainString reports whether a string token's content is already as encoding/json
// writes it: valid UTF-8, no backslash, quote or control character, no U+2028 or U+2029.
func plainString(content []byte) bool { return plainASCII(content) && utf8.Valid(content) }

// plainText is plainString for a Go string (without converting it).
func plainText(s string) bool { return plainASCII(s) && utf8.ValidString(s) }

func plainASCII[T ~string | ~[]byte](s T) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '\\' || c == '"' {
			return false
		}
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
			return false // U+2028, U+2029: encoding/json escapes them
		}
	}
	return true
}

// appendJSONString appends a string token as encoding/json would re-encode it.
func appendJSONString(dst, tok []byte) ([]byte, error) {
	if plainString(tok[1 : len(tok)-1]) {
		return append(dst, tok...), nil
	}
	s, err := decodeJSONString(tok)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(string(s)); err != nil {
		return nil, err
	}
	return append(dst, bytes.TrimRight(buf.Bytes(), "\n")...), nil
}

// decodeJSONString decodes a string token, plainly when it has nothing to decode.
func decodeJSONString(tok []byte) ([]byte, error) {
	content := tok[1 : len(tok)-1]
	if plainString(content) {
		return content, nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// quoteForReencode turns a decoded key back into a token appendJSONString accepts.
func quoteForReencode(key []byte) []byte {
	if plainString(key) {
		tok := make([]byte, 0, len(key)+2)
		tok = append(tok, '"')
		tok = append(tok, key...)
		return append(tok, '"')
	}
	b, _ := json.Marshal(string(key)) // valid JSON for any string; re-encoded canonically next
	return b
}
