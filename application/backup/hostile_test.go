package backup_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/adapters/postgrestest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/testio"
)

// hostileStrings is every kind of string the edge can let through, or an older version
// (or a direct append) may have stored: each goes into data and into every metadata field.
func hostileStrings() map[string]string {
	var cf, c0, c1 strings.Builder
	for _, r16 := range unicode.Cf.R16 {
		for r := rune(r16.Lo); r <= rune(r16.Hi); r += rune(r16.Stride) {
			cf.WriteRune(r)
		}
	}
	for _, r32 := range unicode.Cf.R32 {
		for r := rune(r32.Lo); r <= rune(r32.Hi); r += rune(r32.Stride) {
			cf.WriteRune(r)
		}
	}
	for r := rune(0); r < 0x20; r++ {
		c0.WriteRune(r)
	}
	for r := rune(0x7f); r < 0xa0; r++ {
		c1.WriteRune(r)
	}
	return map[string]string{
		"plain": "hello", "all Cf": cf.String(), "ZWJ": "a\u200db", "BOM": "\ufeffBOM",
		"bidi": "\u202a\u202b\u202c\u202d\u202e x \u2066\u2067\u2068\u2069", "line separators": "a\u2028b\u2029c",
		"tab and LF": "a\tb\nc", "CR": "a\r\nb\rc", "C0": c0.String(), "C1 and DEL": c1.String(),
		"astral": "😀 \U0010FFFF \U0001D11E", "Chinese": "打印机坏了，请帮忙", "noncharacters": "\ufffe\uffff\ufdd0",
		"replacement char": "\ufffd", "html": `<script>&amp;</script>`, "quotes": `"\/'`,
		"not UTF-8": "\xff\xfe", "bad sequence": "a\xc3\x28b", "UTF-8 surrogate": "\xed\xa0\x80",
		"beyond U+10FFFF": "\xf4\x90\x80\x80", "truncated": "\xe2\x82", "NUL": "a\x00b",
		"long": strings.Repeat("é\u200d", 5000),
	}
}

// escapedToken writes every rune of s outside ASCII as \u escapes (astral ones as
// surrogate pairs); bytes that are not UTF-8 stay raw.
func escapedToken(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		case r >= 0x10000:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04X\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String() + `"`
}

// hostileData is data JSON alone can hold in more than one way, or loses in decoding.
var hostileData = map[string]string{
	"lone high surrogate": `{"body":"\ud800"}`, "lone low surrogate": `{"body":"x\udc00y"}`,
	"surrogate pair": `{"body":"\ud83d\ude00"}`, "high then not low": `{"body":"\ud83d\u0041"}`,
	"surrogate key": `{"\ud800":1,"\ud801":2}`, "escaped key": `{"\u00e9":1,"é2":2}`,
	"large numbers":  `{"a":123456789012345678901234567890,"b":1e400,"c":-0.0,"d":1E+2,"e":0.1000}`,
	"duplicate keys": `{"a":1,"a":2}`, "nesting": `{"z":[{"y":{"x":["\u2028",null,true,false]}}]}`,
	"white space": " \t\n {\"b\" : 1 , \"a\" : [ 1 , 2 ] } \n", "null": "null", "empty": "",
	"only space": "  \n", "trailing bracket": `{"a":1}]`, "escaped slash": `{"a":"\/\b\f"}`,
	"string": `"just a string"`,
}

// hostileStreams returns one stream per case: two records each, so prev_hash is covered.
func hostileStreams(t testing.TB) [][]eventlog.Record {
	var out [][]eventlog.Record
	for name, s := range hostileStrings() {
		for form, tok := range map[string]string{"raw": testio.RawJSONString(s), "escaped": escapedToken(s)} {
			meta := eventlog.Metadata{Actor: s, CorrelationID: s, CausationID: s, IdempotencyKey: s, RequestHash: s, Rule: s}
			data := eventlog.Record{Type: "CustomerReplied", Data: []byte(`{"body":` + tok + `,` + tok + `:1}`), Meta: meta}
			out = append(out, sealed(t, eventlog.TicketStream(uuid.NewSHA1(uuid.NameSpaceOID, []byte(name+form))),
				data, eventlog.Record{Type: s, Data: []byte(`{}`), Meta: meta}))
		}
	}
	for name, d := range hostileData {
		out = append(out, sealed(t, eventlog.TicketStream(uuid.NewSHA1(uuid.NameSpaceX500, []byte(name))),
			eventlog.Record{Type: "T", Data: []byte(d), Meta: eventlog.Metadata{Actor: "a"}},
			eventlog.Record{Type: "T", Data: []byte(d), Meta: eventlog.Metadata{Actor: "b"}}))
	}
	return out
}

// TestHostileTextRoundTrips: every hostile string, in data and in every metadata field,
// appended → verify → export → import → verify → the same bytes, on each store. A store
// that refuses a record at append (PostgreSQL's text cannot hold NUL or bytes that are
// not UTF-8) never accepted it; the rest must round-trip all the same.
func TestHostileTextRoundTrips(t *testing.T) {
	stores := map[string]func(t *testing.T) eventlog.EventStore{
		"memory": func(*testing.T) eventlog.EventStore { return memstore.New() },
		"bolt": func(t *testing.T) eventlog.EventStore {
			s, err := bolt.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		"postgres": openPostgres,
	}
	for kind, open := range stores {
		t.Run(kind, func(t *testing.T) {
			src, refused := open(t), 0
			for _, recs := range hostileStreams(t) {
				if _, err := src.Append(context.Background(), recs[0].Stream, eventlog.NoStream, recs); err != nil {
					if kind != "postgres" {
						t.Fatalf("append %.80q: %.200v", recs[0].Stream, err)
					}
					refused++
				}
			}
			t.Logf("%d streams refused at append", refused)
			// A hostile stream name is of no registered kind: every store refuses it at
			// append (application/streams.go), so it never needs to round-trip.
			for _, s := range hostileStrings() {
				name := "ticket-" + s
				recs := sealed(t, name, eventlog.Record{Type: "T", Data: []byte(`{}`), Meta: eventlog.Metadata{Actor: "a"}})
				if _, err := src.Append(context.Background(), name, eventlog.NoStream, recs); err == nil {
					t.Fatalf("append to %.80q was accepted", name)
				}
				if got, err := src.ReadStream(context.Background(), name); len(got) != 0 {
					t.Fatalf("a refused append to %.80q left %d records (%v)", name, len(got), err)
				}
			}
			file := roundTrip(t, src, open(t))
			if kind != "postgres" && !strings.Contains(file, `"base64":{`) {
				t.Fatal("no line carries bytes in base64")
			}
		})
	}
}

func openPostgres(t *testing.T) eventlog.EventStore {
	dsn := postgrestest.FreshSchema(t, "t_backup_")
	if err := pgstore.Migrate(context.Background(), dsn); err != nil {
		t.Fatal(err)
	}
	s, err := pgstore.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
