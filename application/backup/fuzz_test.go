package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/testio"
)

// FuzzExportImport: any record the chain accepts (its data has a canonical form) goes
// through append → verify → export → import → verify on the memory store and comes back
// with the same bytes and hashes, and the second export is the first. Its arguments are
// FuzzComputeHash's (prev is the second record's type; version is unused: the chain
// fixes it), so that corpus seeds it as it is (testdata/fuzz); FuzzCanonicalJSON's
// corpus and the hostile strings seed data and metadata.
func FuzzExportImport(f *testing.F) {
	f.Add(`{"a":"b"}`, "agent:1", "corr", "", "key", "", "", "T2", "ticket-x", "TicketReplied", int64(0), int64(1700000000123456789))
	for _, s := range hostileStrings() {
		f.Add(`{"body":`+testio.RawJSONString(s)+`}`, s, s, s, s, s, s, s, "ticket-"+s, s, int64(0), int64(0))
	}
	for _, d := range hostileData {
		f.Add(d, "a", "", "", "", "", "", "", "s", "T", int64(0), int64(-1))
	}
	for _, in := range corpus(f, "FuzzCanonicalJSON") {
		f.Add(in, "a", "", "", "", "", "", "", "s", "T", int64(0), int64(0))
	}
	f.Fuzz(func(t *testing.T, data, actor, corr, caus, key, rh, rule, type2, stream, typ string, _, nanos int64) {
		if _, err := eventlog.CanonicalJSON([]byte(data)); err != nil {
			t.Skip("the chain refuses such data: verify would not accept it")
		}
		meta := eventlog.Metadata{Actor: actor, CorrelationID: corr, CausationID: caus, IdempotencyKey: key,
			RequestHash: rh, Rule: rule, OccurredAt: time.Unix(0, nanos)}
		recs := []eventlog.Record{
			{Type: typ, Data: []byte(data), Meta: meta},
			{Type: type2, Data: []byte(`{"n":` + testio.RawJSONString(data) + `}`), Meta: meta},
		}
		// Streams are of a registered kind (the stores refuse any other name), so the
		// fuzzed name picks the ticket id.
		stream = eventlog.TicketStream(uuid.NewSHA1(uuid.NameSpaceURL, []byte(stream)))
		for i := range recs {
			recs[i].Stream, recs[i].Version = stream, int64(i)
			recs[i].ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte{byte(i)})
		}
		if err := eventlog.Seal("", recs); err != nil {
			t.Fatal(err)
		}
		src := memstore.New()
		if _, err := src.Append(context.Background(), stream, eventlog.NoStream, recs); err != nil {
			t.Fatal(err)
		}
		roundTrip(t, src, memstore.New())
	})
}

// corpus reads the []byte inputs of one of eventlog's fuzz corpora.
func corpus(f *testing.F, name string) []string {
	dir := filepath.Join("..", "eventlog", "testdata", "fuzz", name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		f.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "[]byte("); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(v, ")")); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	if len(out) == 0 {
		f.Fatalf("no inputs in %s", dir)
	}
	return out
}
