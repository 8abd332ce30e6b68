package postgres

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/projections"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "",
		"plain 文字 ✓":        "plain 文字 ✓",
		"hello\x00world":    "hello\uFFFDworld",
		"bad \xff\xfe x":    "bad \uFFFD\uFFFD x",
		"\xc3\x28":          "\uFFFD(",
		"\x00":              "\uFFFD",
		"cut \xe6\x96":      "cut \uFFFD\uFFFD",
		"keep \uFFFD as is": "keep \uFFFD as is",
	} {
		if got := clean(in); got != want || !isClean(got) {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanJSON(t *testing.T) {
	for _, s := range []string{"hello\x00world", `a \u0000 literal`, `\` + "\x00", "\\\x00\\", "bad \xff", "plain"} {
		raw, err := json.Marshal(map[string]string{"t": s})
		if err != nil {
			t.Fatal(err)
		}
		got := cleanJSON(string(raw))
		var back map[string]string
		if err := json.Unmarshal([]byte(got), &back); err != nil {
			t.Fatalf("cleanJSON(%s) = %s: %v", raw, got, err)
		}
		if want := strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD"); back["t"] != want {
			t.Errorf("cleanJSON(%s) = %s, decodes to %q, want %q", raw, got, back["t"], want)
		}
	}
}

// TestCleanAllocatesNothingOnCleanText: the hot path (every text of every row) returns
// clean text as it is.
func TestCleanAllocatesNothingOnCleanText(t *testing.T) {
	texts := []string{"plain 文字 ✓", `{"subject":"a ticket","body":"x"}`}
	names := []pgtype.Text{{String: "Alice", Valid: true}}
	if n := testing.AllocsPerRun(100, func() {
		cleanColumn(texts, false)
		cleanColumn(texts[1:], true)
		cleanColumn(names, false)
	}); n != 0 {
		t.Fatalf("%v allocations per run on clean text", n)
	}
	if !utf8.ValidString(texts[0]) {
		t.Fatal("clean text changed")
	}
}

func TestUnstorable(t *testing.T) {
	for code, want := range map[string]bool{"22021": true, "22P05": true, "23505": true, "54000": true, "08006": false, "57P01": false, "40001": false} {
		if got := projections.Unstorable(unstorable(&pgconn.PgError{Code: code})); got != want {
			t.Errorf("SQLSTATE %s: unstorable %v, want %v", code, got, want)
		}
	}
}
