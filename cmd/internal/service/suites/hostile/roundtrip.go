package hostile

import (
	"bytes"
	"context"
	"testing"

	"github.com/ticketengine/ticketengine/application/backup"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// AssertRoundTrip checks the promise "every accepted byte round-trips" on what the
// hostile inputs left in store: its hash chains verify (what ticketctl verify checks),
// export → import into a fresh store of the same kind succeeds, the imported store
// verifies too, and exporting it gives the same lines, byte for byte.
func AssertRoundTrip(t *testing.T, store eventlog.EventStore, cfg func(t *testing.T) service.Config) {
	ctx := context.Background()
	VerifyChains(t, "the store", store)
	var first bytes.Buffer
	n, err := backup.Export(ctx, store, backup.Filter{}, &first)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	fresh, err := service.OpenEventStore(ctx, cfg(t))
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	imported, err := backup.Import(ctx, fresh, bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("import of %d exported events: %v", n, err)
	}
	if imported != n {
		t.Errorf("exported %d events, imported %d", n, imported)
	}
	VerifyChains(t, "the imported store", fresh)
	var second bytes.Buffer
	if _, err := backup.Export(ctx, fresh, backup.Filter{}, &second); err != nil {
		t.Fatalf("export of the imported store: %v", err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		a, b := bytes.Split(first.Bytes(), []byte("\n")), bytes.Split(second.Bytes(), []byte("\n"))
		for i := range min(len(a), len(b)) {
			if !bytes.Equal(a[i], b[i]) {
				t.Fatalf("line %d differs after export → import → export:\n%.400q\n%.400q", i+1, a[i], b[i])
			}
		}
		t.Fatalf("export → import → export: %d lines, then %d", len(a), len(b))
	}
	t.Logf("%d events (%d bytes) round-tripped", n, first.Len())
}

// VerifyChains reads the whole store in global order and checks every stream's hash
// chain, as ticketctl verify does.
func VerifyChains(t *testing.T, what string, store eventlog.EventStore) {
	t.Helper()
	v := eventlog.NewChainVerifier()
	err := backup.ReadAllPages(context.Background(), store, func(page []eventlog.Record) error {
		for _, r := range page {
			v.Add(r)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: reading: %v", what, err)
	}
	for _, p := range v.Problems {
		t.Errorf("%s does not verify: %s", what, p)
	}
}

// positions finds a service store's newest position, paging forward from the last one
// seen, so each look costs O(new events).
type positions struct {
	svc  *service.Service
	seen uint64
}

func (p *positions) last(t *testing.T) uint64 {
	t.Helper()
	for {
		page, err := p.svc.Store.ReadAll(context.Background(), p.seen, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return p.seen
		}
		p.seen = page[len(page)-1].Position
	}
}
