package backup_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memory"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/backup"
	"github.com/ticketengine/ticketengine/domain"
)

func openBolt(t *testing.T) application.EventStore {
	t.Helper()
	s, err := bolt.Open(context.Background(), filepath.Join(t.TempDir(), "events.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDefect3NonUTF8CorrelationIDRoundTrips is issue 12's defect 3 on the embedded store:
// a portal reply stored with an X-Correlation-ID that is not UTF-8 (as versions before
// the edge refused it did) verified, but its export held U+FFFD and import refused the
// file ("hash does not match … nothing was imported"). Now the same bytes come back.
func TestDefect3NonUTF8CorrelationIDRoundTrips(t *testing.T) {
	src := openBolt(t)
	reply, _ := json.Marshal(domain.CustomerReplied{Body: "hello"})
	id := uuid.MustParse("0195f6a2-7c1e-7000-8000-000000000001")
	recs := sealed(t, application.TicketStream(id),
		application.Record{Type: "TicketReceived", Data: []byte(`{"subject":"printer"}`), Meta: application.Metadata{Actor: "customer:a@example.com"}},
		application.Record{Type: "CustomerReplied", Data: reply, Meta: application.Metadata{Actor: "customer:a@example.com", CorrelationID: "corr-\xff\xfe\xc3("}},
	)
	if _, err := src.Append(context.Background(), recs[0].Stream, application.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	dst := openBolt(t)
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
		`"prev_hash":"","stream":"ticket-x","type":"TicketReceived","version":0}` + "\n"
	recs := sealed(t, "ticket-x", application.Record{Type: "TicketReceived", Data: []byte(`{"b":1e400, "a":"<é>\u2028"}`),
		Meta: application.Metadata{Actor: "agent:1", CorrelationID: "c\x01"}})
	recs[0].ID = uuid.MustParse("0195f6a2-7c1e-7000-8000-000000000002")
	if err := application.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	src := memory.New()
	if _, err := src.Append(context.Background(), "ticket-x", application.NoStream, recs); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(old, "%s", recs[0].Hash, 1)
	if got := roundTrip(t, src, memory.New()); got != want {
		t.Fatalf("export:\n%s\nwant\n%s", got, want)
	}
	if n, err := backup.Import(context.Background(), memory.New(), strings.NewReader(want)); n != 1 || err != nil {
		t.Fatalf("an old line does not import: %d %v", n, err)
	}
}

// TestImportRefusesBytesThatDisagree: carried bytes must match what the line shows, so a
// reader of the file is never shown one value while another is imported. (Bytes that
// are not UTF-8 swapped for other such bytes pass this check and the hash alike: the
// chain hashes every one of them as U+FFFD, a limit of the hash format.)
func TestImportRefusesBytesThatDisagree(t *testing.T) {
	src := memory.New()
	recs := sealed(t, "ticket-y", application.Record{Type: "T", Data: []byte(`{"a":"\ud800"}`),
		Meta: application.Metadata{Actor: "a", CorrelationID: "\xff"}})
	if _, err := src.Append(context.Background(), "ticket-y", application.NoStream, recs); err != nil {
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
		if _, err := backup.Import(context.Background(), memory.New(), strings.NewReader(bad)); err == nil {
			t.Fatalf("%s: imported", name)
		}
	}
}
