package eventlog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
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
