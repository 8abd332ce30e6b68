package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/backup"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 123_000_000, time.UTC)

// sealed returns a stream's records, versions 0…, sealed into a chain.
func sealed(t testing.TB, stream string, recs ...application.Record) []application.Record {
	t.Helper()
	for i := range recs {
		recs[i].Stream, recs[i].Version = stream, int64(i)
		recs[i].ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte(stream+string(rune('a'+i))))
		if recs[i].Meta.OccurredAt.IsZero() {
			recs[i].Meta.OccurredAt = at
		}
	}
	if err := application.Seal("", recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

// verifyAll checks every chain of the store, as `ticketctl verify` does.
func verifyAll(t testing.TB, store application.EventStore) []application.Record {
	t.Helper()
	recs, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	v := application.NewChainVerifier()
	for _, r := range recs {
		v.Add(r)
	}
	if len(v.Problems) > 0 {
		t.Fatalf("the store does not verify: %v", v.Problems[0])
	}
	return recs
}

func export(t testing.TB, store application.EventStore) string {
	t.Helper()
	var out bytes.Buffer
	if _, err := backup.Export(context.Background(), store, backup.Filter{}, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// roundTrip exports src, imports the file into dst (empty), checks that dst verifies,
// holds the same records and exports the same file, and returns the file.
func roundTrip(t testing.TB, src, dst application.EventStore) string {
	t.Helper()
	want := verifyAll(t, src)
	file := export(t, src)
	n, err := backup.Import(context.Background(), dst, strings.NewReader(file))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if n != len(want) {
		t.Fatalf("imported %d of %d records", n, len(want))
	}
	got := verifyAll(t, dst)
	for i := range want {
		sameRecord(t, want[i], got[i])
	}
	if again := export(t, dst); again != file {
		t.Fatalf("the export of the imported store differs:\n%.300q\n%.300q", file, again)
	}
	return file
}

// sameRecord compares every byte of two records but their positions. Data must be the
// same bytes when its canonical form would lose a value; otherwise the canonical form,
// which export writes, with the same values (only key order and white space may differ
// from what was first stored).
func sameRecord(t testing.TB, a, b application.Record) {
	t.Helper()
	if a.ID != b.ID || a.Stream != b.Stream || a.Version != b.Version || a.Type != b.Type ||
		a.PrevHash != b.PrevHash || a.Hash != b.Hash {
		t.Fatalf("the envelope differs:\n%.300q\n%.300q", fmt.Sprint(a), fmt.Sprint(b))
	}
	ma, mb := a.Meta, b.Meta
	if ma.Actor != mb.Actor || ma.CorrelationID != mb.CorrelationID || ma.CausationID != mb.CausationID ||
		ma.IdempotencyKey != mb.IdempotencyKey || ma.RequestHash != mb.RequestHash || ma.Rule != mb.Rule ||
		!application.Truncate(ma.OccurredAt).Equal(mb.OccurredAt) {
		t.Fatalf("the metadata differs:\n%.300q\n%.300q", fmt.Sprint(ma), fmt.Sprint(mb))
	}
	canon, lossless, err := application.CanonicalJSONLossless(a.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := []byte(a.Data)
	if lossless {
		want = canon
	}
	if !bytes.Equal(want, b.Data) {
		t.Fatalf("%s v%d: data %.200q came back as %.200q", a.Stream, a.Version, a.Data, b.Data)
	}
}
