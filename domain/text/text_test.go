package text

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		name, in, want string
		max            int
		refused        string // a word of the reason; "" when accepted
	}{
		{name: "plain", in: "hello", want: "hello"},
		{name: "empty", in: "", want: ""},
		{name: "tab kept", in: "a\tb", want: "a\tb"},
		{name: "LF kept", in: "a\nb", want: "a\nb"},
		{name: "CRLF to LF", in: "a\r\nb\r\n", want: "a\nb\n"},
		{name: "lone CR to LF", in: "a\rb\r", want: "a\nb\n"},
		{name: "CR CR LF", in: "a\r\r\nb", want: "a\n\nb"},
		{name: "NUL", in: "a\x00b", refused: "U+0000"},
		{name: "ESC", in: "\x1b[31mred", refused: "U+001B"},
		{name: "DEL", in: "a\x7f", refused: "U+007F"},
		{name: "C1 NEL", in: "a\u0085b", refused: "U+0085"},
		{name: "C1 CSI", in: "\u009b", refused: "U+009B"},
		{name: "invalid byte", in: "a\xffb", refused: "UTF-8"},
		{name: "truncated sequence", in: "\xc3\x28", refused: "UTF-8"},
		{name: "encoded surrogate", in: "\xed\xa0\x80", refused: "UTF-8"},
		{name: "overlong", in: "\xc0\xaf", refused: "UTF-8"},
		{name: "ZWJ", in: "👩\u200d💻", want: "👩\u200d💻"},
		{name: "BOM", in: "\ufeffhi", want: "\ufeffhi"},
		{name: "bidi override", in: "a\u202eb", want: "a\u202eb"},
		{name: "isolate", in: "\u2066x\u2069", want: "\u2066x\u2069"},
		{name: "soft hyphen", in: "co\u00adop", want: "co\u00adop"},
		{name: "replacement char", in: "\ufffd", want: "\ufffd"},
		{name: "astral", in: "𝄞😀", want: "𝄞😀", max: 2},
		{name: "Chinese at limit", in: strings.Repeat("中", 200), want: strings.Repeat("中", 200), max: 200},
		{name: "Chinese over limit", in: strings.Repeat("中", 201), max: 200, refused: "200"},
		{name: "limit counts after CRLF", in: "a\r\nb", want: "a\nb", max: 3},
		{name: "no limit", in: strings.Repeat("x", 5000), want: strings.Repeat("x", 5000), max: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(c.in, c.max)
			if c.refused != "" {
				if err == nil || !strings.Contains(err.Error(), c.refused) {
					t.Fatalf("Normalize(%q) = %q, %v; want refused with %q", c.in, got, err, c.refused)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
		})
	}
}

// TestEveryControlCharacter walks all of Cc: only tab and newline pass, CR is normalised.
func TestEveryControlCharacter(t *testing.T) {
	for r := rune(0); r <= 0x9f; r++ {
		if !unicode.Is(unicode.Cc, r) {
			continue
		}
		got, err := Normalize("x"+string(r)+"y", 0)
		switch r {
		case '\t', '\n':
			if err != nil || got != "x"+string(r)+"y" {
				t.Errorf("%U: got %q, %v; want kept", r, got, err)
			}
		case '\r':
			if err != nil || got != "x\ny" {
				t.Errorf("CR: got %q, %v; want LF", got, err)
			}
		default:
			if err == nil {
				t.Errorf("%U accepted", r)
			}
		}
	}
}

// TestJSONSurrogateEscape pins what encoding/json makes of a lone surrogate escape: U+FFFD,
// a valid character the rule accepts; the HTTP edge refuses the escape itself before decoding.
func TestJSONSurrogateEscape(t *testing.T) {
	var s string
	if err := json.Unmarshal([]byte(`"a\ud800b"`), &s); err != nil {
		t.Fatal(err)
	}
	if s != "a\ufffdb" {
		t.Fatalf("decoded %q", s)
	}
	if _, err := Normalize(s, 0); err != nil {
		t.Fatalf("U+FFFD refused: %v", err)
	}
	if err := json.Unmarshal([]byte(`"\ud83d\ude00"`), &s); err != nil || s != "😀" {
		t.Fatalf("pair decoded %q, %v", s, err)
	}
}

func TestLenCountsCharacters(t *testing.T) {
	for in, want := range map[string]int{"": 0, "abc": 3, "中文": 2, "😀": 1, "e\u0301": 2} {
		if got := Len(in); got != want {
			t.Errorf("Len(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestEscapeDirection(t *testing.T) {
	cases := map[string]string{
		"plain":                    "plain",
		"a\u202eb":                 `a\u202Eb`,
		"\u202a\u202b\u202c\u202d": `\u202A\u202B\u202C\u202D`,
		"\u2066\u2067\u2068\u2069": `\u2066\u2067\u2068\u2069`,
		"zwj\u200d and bom\ufeff":  "zwj\u200d and bom\ufeff",
		"中\u202e文":                 `中\u202E文`,
	}
	for in, want := range cases {
		if got := EscapeDirection(in); got != want {
			t.Errorf("EscapeDirection(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClean(t *testing.T) {
	cases := []struct {
		name, in, want string
		max            int
		changes        int
	}{
		{name: "clean text untouched", in: "hello\tworld\n", want: "hello\tworld\n"},
		{name: "invalid bytes", in: "a\xff\xfeb", want: "a\ufffdb", changes: 1},
		{name: "CRLF", in: "a\r\nb\rc", want: "a\nb\nc", changes: 1},
		{name: "controls dropped", in: "a\x00b\x1bc\u0085", want: "abc", changes: 1},
		{name: "truncated", in: "中文字", want: "中文", max: 2, changes: 1},
		{name: "everything", in: "\xff\r\n\x00" + strings.Repeat("x", 10), want: "\ufffd\nxxx", max: 5, changes: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, changes := Clean(c.in, c.max)
			if got != c.want || len(changes) != c.changes {
				t.Fatalf("Clean(%q) = %q, %q; want %q with %d changes", c.in, got, changes, c.want, c.changes)
			}
			if !Valid(got, c.max) {
				t.Fatalf("Clean's output %q does not pass Normalize", got)
			}
		})
	}
}

// FuzzEdgeText checks the rule's properties on any input: normalised text is valid UTF-8,
// holds no control character but tab and newline (so no CR), fits max, and is a fixed point;
// refused text has a reason; Clean always yields text Normalize accepts unchanged.
func FuzzEdgeText(f *testing.F) {
	for _, s := range []string{"", "hello", "a\r\nb\rc", "a\x00b", "\xff\xfe", "\xc3\x28", "中文😀", "\u202e\u200d\ufeff", "\t\n\r"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 300
		got, err := Normalize(s, max)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("refused %q without a reason", s)
			}
		} else {
			checkNormal(t, got, max)
			if again, err := Normalize(got, max); err != nil || again != got {
				t.Fatalf("not idempotent: %q → %q → %q, %v", s, got, again, err)
			}
		}
		cleaned, _ := Clean(s, max)
		checkNormal(t, cleaned, max)
		if err == nil && cleaned != got {
			t.Fatalf("Clean(%q) = %q but Normalize accepted it as %q", s, cleaned, got)
		}
		if esc := EscapeDirection(s); strings.ContainsFunc(esc, isDirection) {
			t.Fatalf("EscapeDirection(%q) left a direction control: %q", s, esc)
		}
	})
}

func checkNormal(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%q is not valid UTF-8", s)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return !Allowed(r) }) || strings.Contains(s, "\r") {
		t.Fatalf("%q holds a control character", s)
	}
	if max > 0 && Len(s) > max {
		t.Fatalf("%q is over %d characters", s, max)
	}
}
