package backup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt/bolttest"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/backup"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// TestDefect3NonUTF8CorrelationIDRoundTrips is issue 12's defect 3 on the embedded store:
// a portal reply stored with an X-Correlation-ID that is not UTF-8 (as versions before
// the edge refused it did) verified, but its export held U+FFFD and import refused the
// file ("hash does not match … nothing was imported"). Now the same bytes come back.
func TestDefect3NonUTF8CorrelationIDRoundTrips(t *testing.T) {
	src := bolttest.Open(t)
	reply, _ := json.Marshal(domain.CustomerReplied{Body: "hello"})
	id := uuid.MustParse("0195f6a2-7c1e-7000-8000-000000000001")
	recs := sealed(t, eventlog.TicketStream(id),
		eventlog.Record{Type: "TicketReceived", Data: []byte(`{"subject":"printer"}`), Meta: eventlog.Metadata{Actor: "customer:a@example.com"}},
		eventlog.Record{Type: "CustomerReplied", Data: reply, Meta: eventlog.Metadata{Actor: "customer:a@example.com", CorrelationID: "corr-\xff\xfe\xc3("}},
	)
	if _, err := src.Append(context.Background(), recs[0].Stream, eventlog.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	dst := bolttest.Open(t)
	file := roundTrip(t, src, dst)
	got, err := dst.ReadStream(context.Background(), recs[0].Stream)
	if err != nil || len(got) != 2 || got[1].Meta.CorrelationID != "corr-\xff\xfe\xc3(" || got[1].Hash != recs[1].Hash {
		t.Fatalf("imported %q (%v)", fmt.Sprint(got), err)
	}
	lines := strings.Split(strings.TrimSpace(file), "\n")
	if strings.Contains(lines[0], "base64") || !strings.Contains(lines[1], `"base64":{"correlation_id":"Y29yci3//sMo"}`) {
		t.Fatalf("the export:\n%s", file)
	}
}

// TestOrdinaryLinesUnchanged: a record JSON carries as it is exports exactly as before
// the base64 field existed, and such a line, written by an older version, imports.
func TestOrdinaryLinesUnchanged(t *testing.T) {
	const old = `{"data":{"a":"<é>\u2028","b":1e400},"hash":"%s","id":"0195f6a2-7c1e-7000-8000-000000000002",` +
		`"metadata":{"actor":"agent:1","correlation_id":"c\u0001","occurred_at":"2026-03-01T12:00:00.123Z"},` +
		`"prev_hash":"","stream":"ticket-0195f6a2-7c1e-7000-8000-00000000000a","type":"TicketReceived","version":0}` + "\n"
	recs := sealed(t, "ticket-0195f6a2-7c1e-7000-8000-00000000000a", eventlog.Record{Type: "TicketReceived", Data: []byte(`{"b":1e400, "a":"<é>\u2028"}`),
		Meta: eventlog.Metadata{Actor: "agent:1", CorrelationID: "c\x01"}})
	recs[0].ID = uuid.MustParse("0195f6a2-7c1e-7000-8000-000000000002")
	if err := eventlog.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	src := memstore.New()
	if _, err := src.Append(context.Background(), "ticket-0195f6a2-7c1e-7000-8000-00000000000a", eventlog.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(old, "%s", recs[0].Hash, 1)
	if got := roundTrip(t, src, memstore.New()); got != want {
		t.Fatalf("export:\n%s\nwant\n%s", got, want)
	}
	if n, err := backup.Import(context.Background(), memstore.New(), strings.NewReader(want)); n != 1 || err != nil {
		t.Fatalf("an old line does not import: %d %v", n, err)
	}
}

// TestImportRefusesBytesThatDisagree: carried bytes must match what the line shows, so a
// reader of the file is never shown one value while another is imported. (Bytes that
// are not UTF-8 swapped for other such bytes pass this check and the hash alike: the
// chain hashes every one of them as U+FFFD, a limit of the hash format.)
func TestImportRefusesBytesThatDisagree(t *testing.T) {
	src := memstore.New()
	recs := sealed(t, "ticket-0195f6a2-7c1e-7000-8000-00000000000b", eventlog.Record{Type: "T", Data: []byte(`{"a":"\ud800"}`),
		Meta: eventlog.Metadata{Actor: "a", CorrelationID: "\xff"}})
	if _, err := src.Append(context.Background(), "ticket-0195f6a2-7c1e-7000-8000-00000000000b", eventlog.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	file := export(t, src)
	for name, bad := range map[string]string{
		"correlation id": strings.Replace(file, `"correlation_id":"/w=="`, `"correlation_id":"eA=="`, 1),
		"shown value":    strings.Replace(file, `"correlation_id":"\ufffd"`, `"correlation_id":"x"`, 1),
		"data":           strings.Replace(file, `"data":"eyJhIjoiXHVkODAwIn0="`, `"data":"eyJhIjoiYiJ9"`, 1),
		"empty":          strings.Replace(strings.Replace(file, `"correlation_id":"/w==",`, ``, 1), `"data":"eyJhIjoiXHVkODAwIn0="`, ``, 1),
	} {
		if bad == file {
			t.Fatalf("%s: the file has no such field:\n%s", name, file)
		}
		if _, err := backup.Import(context.Background(), memstore.New(), strings.NewReader(bad)); err == nil {
			t.Fatalf("%s: imported", name)
		}
	}
}
