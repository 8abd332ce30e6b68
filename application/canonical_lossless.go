package application

import "unicode/utf8"

// Canonical JSON is the form the hash chain covers, and it can lose what decoding with
// encoding/json loses: bytes that are not UTF-8 and escaped lone surrogates ("\ud800")
// inside strings both become U+FFFD, a duplicate key keeps only its last value, and
// input of white space only becomes null (trailing ']' or '}' is dropped). Every such
// input hashes like its canonical form, so the chain verifies either way; but a copy
// made from the canonical form alone would not hold the same values. Export needs to
// know when that happens, to carry the stored bytes themselves.

// CanonicalJSONLossless is CanonicalJSON that also says whether the canonical form keeps
// every value of raw: the same strings, to the byte, every key and nothing more. Only
// key order, white space and the way strings are escaped may differ.
func CanonicalJSONLossless(raw []byte) (canon []byte, lossless bool, err error) {
	p := canonParser{in: raw, track: true}
	canon, err = p.canonical(nil)
	return canon, err == nil && !p.lossy, err
}

// note records whether a string token's value would change in decoding. Plain tokens
// (the common case) are checked by the caller's fast path already, and skipped here.
func (p *canonParser) note(tok []byte) {
	if !p.track || p.lossy {
		return
	}
	content := tok[1 : len(tok)-1]
	if plainString(content) {
		return
	}
	if !utf8.Valid(content) || loneSurrogate(content) {
		p.lossy = true
	}
}

// loneSurrogate reports whether a string token's content escapes a UTF-16 surrogate
// that is not half of a pair (high then low): encoding/json decodes it as U+FFFD.
func loneSurrogate(c []byte) bool {
	for i := 0; i < len(c); i++ {
		if c[i] != '\\' {
			continue
		}
		i++
		r, ok := escapedUnit(c, i)
		if !ok {
			continue // another escape (\n, \", …), or a bad one that decoding refuses
		}
		i += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := escapedUnit(c, i+2)
			if i+1 >= len(c) || c[i+1] != '\\' || !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// escapedUnit reads the code unit of a \uXXXX escape whose 'u' is at c[i].
func escapedUnit(c []byte, i int) (rune, bool) {
	if i+4 >= len(c) || c[i] != 'u' {
		return 0, false
	}
	var r rune
	for _, h := range c[i+1 : i+5] {
		switch {
		case h >= '0' && h <= '9':
			r = r<<4 | rune(h-'0')
		case h >= 'a' && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case h >= 'A' && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}
