package eventlog

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The scalars of the canonical form (canonical.go): scanning a string or number token,
// and checking and re-encoding strings the way encoding/json writes them.

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
