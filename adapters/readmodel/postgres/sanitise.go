package postgres

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/ticketengine/ticketengine/projections"
)

// The read model's one rule for text (docs/READMODELS.md): PostgreSQL's text holds no
// NUL character and only valid UTF-8, and its json cannot give back "\u0000" (->>, a
// cast to jsonb), while an event may hold anything (written before the edge refused
// such text, by another version, or imported). So every text value this store writes
// goes through clean (text columns) or cleanJSON (json columns): a NUL and each byte
// that is not part of valid UTF-8 become U+FFFD. Only the read model's copy changes;
// the event keeps its bytes. columns.add applies it to every column it is given, the
// one place all rows pass through.

// clean returns s with NUL and invalid UTF-8 replaced by U+FFFD; clean text (nearly
// all of it) is returned as is, without allocating.
func clean(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == 0 || r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// isClean reports whether PostgreSQL's text takes s as it is.
func isClean(s string) bool { return strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) }

// cleanJSON returns encoded JSON (encoding/json's: valid UTF-8, NUL escaped) with every
// escaped NUL ("\u0000") made "\ufffd"; an escaped backslash followed by "u0000" is
// text, and stays.
func cleanJSON(j string) string {
	j = clean(j) // JSON from elsewhere: the same rule as for text
	if !strings.Contains(j, `\u0000`) {
		return j
	}
	var b strings.Builder
	b.Grow(len(j))
	for i := 0; i < len(j); i++ {
		if j[i] != '\\' || i+1 >= len(j) {
			b.WriteByte(j[i])
			continue
		}
		if strings.HasPrefix(j[i+1:], "u0000") {
			b.WriteString(`\ufffd`)
			i += 5
			continue
		}
		b.WriteString(j[i : i+2]) // any other escape, the backslash's own included
		i++
	}
	return b.String()
}

// cleanColumn applies the rule to a column's values in place (they are this commit's
// own slices); columns of other types hold no text.
func cleanColumn(vals any, json bool) {
	f := clean
	if json {
		f = cleanJSON
	}
	switch v := vals.(type) {
	case []string:
		for i, s := range v {
			v[i] = f(s)
		}
	case []pgtype.Text:
		for i := range v {
			v[i].String = f(v[i].String)
		}
	}
}

// unstorable marks PostgreSQL's errors about the data written as permanent
// (projections.ErrUnstorable): a data exception (class 22), an integrity violation
// (class 23) or a program limit exceeded (54000, a value too large). Anything else (the
// connection, a context ended, the server shutting down) stays transient.
func unstorable(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23") || pe.Code == "54000") {
		return fmt.Errorf("%w: %w", projections.ErrUnstorable, err)
	}
	return err
}
