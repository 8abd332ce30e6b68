package text

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Clean is the lenient twin of Normalize, for mail, channel messages and imports, which are
// repaired rather than refused whole: invalid bytes become U+FFFD, CR and CRLF become LF,
// other control characters are dropped, and the text is cut to max characters (max ≤ 0: no
// limit). The second result says, in plain words, what was changed (nil if nothing), so the
// caller can record it. Clean's output always passes Normalize unchanged.
func Clean(s string, max int) (string, []string) {
	var changes []string
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		changes = append(changes, "invalid UTF-8 replaced by U+FFFD")
	}
	if n := normalizeNewlines(s); n != s {
		s = n
		changes = append(changes, "CR and CRLF normalised to LF")
	}
	if dropped := strings.Count(s, "") - 1 - countAllowed(s); dropped > 0 {
		s = strings.Map(func(r rune) rune {
			if Allowed(r) {
				return r
			}
			return -1
		}, s)
		changes = append(changes, fmt.Sprintf("%d control characters dropped", dropped))
	}
	if max > 0 && Len(s) > max {
		s = truncate(s, max)
		changes = append(changes, fmt.Sprintf("truncated to %d characters", max))
	}
	return s, changes
}

func countAllowed(s string) int {
	n := 0
	for _, r := range s {
		if Allowed(r) {
			n++
		}
	}
	return n
}

// truncate keeps the first max characters of s.
func truncate(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}
