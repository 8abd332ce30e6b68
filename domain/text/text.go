// Package text is the one rule for text that crosses the edge (API.md, "Rules that hold
// everywhere"): valid UTF-8; control characters (Unicode category Cc) refused except tab and
// newline; CR and CRLF normalised to LF; format characters (Cf) allowed; lengths bounded and
// counted in characters, so Chinese gets the same room as English.
//
// Normalize is the strict form, for what a caller sends (HTTP bodies, query strings, path
// values, headers): it refuses. Clean is the lenient twin, for what arrives unbidden (mail,
// imports): it repairs and says what it repaired. Both are pure and stdlib-only so the web
// pages and mail intake can share them with the HTTP adapter.
package text

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Classes of limits, in characters (runes).
const (
	// MaxShort bounds identifiers, header values, names, categories, teams and skills.
	MaxShort = 200
	// MaxSubject bounds a ticket's subject.
	MaxSubject = 500
	// MaxReason bounds reasons and rating comments.
	MaxReason = 2_000
	// MaxBody bounds bodies and resolutions.
	MaxBody = 100_000
)

// Error says in plain words why a text was refused.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// Len is the length the limits count: characters, not bytes.
func Len(s string) int { return utf8.RuneCountInString(s) }

// Allowed reports whether r may appear in normalised text: anything but a control character
// (Cc), except tab and newline. CR is not allowed: Normalize turns it into LF.
func Allowed(r rune) bool {
	return r == '\t' || r == '\n' || !unicode.Is(unicode.Cc, r)
}

// Normalize applies the rule to s: CR and CRLF become LF; invalid UTF-8, any other control
// character, or more than max characters (after normalising) is refused with an *Error. A
// max of 0 or less means no length limit (the caller bounds the size another way).
func Normalize(s string, max int) (string, error) {
	if !utf8.ValidString(s) {
		return "", &Error{Reason: "is not valid UTF-8"}
	}
	s = normalizeNewlines(s)
	for _, r := range s {
		if !Allowed(r) {
			return "", &Error{Reason: fmt.Sprintf("contains the control character %U; only tab and newline are allowed", r)}
		}
	}
	if max > 0 && Len(s) > max {
		return "", &Error{Reason: fmt.Sprintf("is longer than %d characters", max)}
	}
	return s, nil
}

// Valid reports whether s is already normalised text of at most max characters (max ≤ 0: no
// limit): what Normalize would return unchanged.
func Valid(s string, max int) bool {
	n, err := Normalize(s, max)
	return err == nil && n == s
}

// normalizeNewlines turns CRLF, then any lone CR, into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// isDirection reports whether r is an embedding, override or isolate control (U+202A–U+202E,
// U+2066–U+2069): allowed in text, but able to reorder what is shown around it.
func isDirection(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// EscapeDirection makes direction controls visible for display: each becomes the six
// characters `\u202E` (upper-case hex), so a name cannot reverse the text shown after it.
// Everything else, other format characters included, is returned as is.
func EscapeDirection(s string) string {
	if !strings.ContainsFunc(s, isDirection) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isDirection(r) {
			fmt.Fprintf(&b, `\u%04X`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
