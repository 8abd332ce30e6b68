package erasure_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// sealedEvent is a TicketReceived-like payload with its personal fields sealed for one
// customer in one stream, and the plain text of each.
func sealedEvent(t testing.TB, keys erasure.KeyStore, customer uuid.UUID, stream string, plain map[string]string) []byte {
	t.Helper()
	key, err := keys.Key(context.Background(), customer)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]any{"priority": "high", "sla": map[string]any{"due": "2026-12-02T10:00:00.000Z"}, "count": 12345678901234567}
	for k, v := range plain {
		s, err := erasure.SealIn(key, customer, stream, v)
		if err != nil {
			t.Fatal(err)
		}
		fields[k] = s
	}
	data, err := json.Marshal(map[string]any{"customer": fields, "body": fields["body"]})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOpenerOpensAndForgets: the opener gives back the plain text of every sealed field
// (in nested objects, numbers untouched), and "" once the key is destroyed.
func TestOpenerOpensAndForgets(t *testing.T) {
	ctx := context.Background()
	keys := erasure.NewMemoryKeys()
	o := erasure.Opener{Keys: keys}
	id, stream := uuid.New(), "ticket-"+uuid.NewString()
	data := sealedEvent(t, keys, id, stream, map[string]string{"name": `王 "quoted" \ name`, "email": "a@example.com", "body": "line\nbreak <b>"})
	if strings.Contains(string(data), "example.com") {
		t.Fatalf("sealed payload holds plain text: %s", data)
	}
	r, err := o.Record(ctx, eventlog.Record{Stream: stream, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Customer map[string]any `json:"customer"`
		Body     string         `json:"body"`
	}
	if err := json.Unmarshal(r.Data, &got); err != nil {
		t.Fatalf("opened payload is not JSON: %v: %s", err, r.Data)
	}
	if got.Customer["name"] != `王 "quoted" \ name` || got.Customer["email"] != "a@example.com" || got.Body != "line\nbreak <b>" ||
		!strings.Contains(string(r.Data), "12345678901234567") {
		t.Fatalf("opened: %s", r.Data)
	}
	if err := keys.Destroy(ctx, id); err != nil {
		t.Fatal(err)
	}
	r, err = o.Record(ctx, eventlog.Record{Stream: stream, Data: data})
	if err != nil || strings.Contains(string(r.Data), "pii2:") || !strings.Contains(string(r.Data), `"email":""`) {
		t.Fatalf("after the erasure: %s %v", r.Data, err)
	}
}

// TestOpenerLeavesTextThatOnlyLooksSealed: plain text holding the prefix (inside a
// string, or a forged field) stays as it is.
func TestOpenerLeavesTextThatOnlyLooksSealed(t *testing.T) {
	keys := erasure.NewMemoryKeys()
	forged := "pii2:" + uuid.NewString() + ":AAAA"
	data, _ := json.Marshal(map[string]any{"body": `see "pii2:` + uuid.NewString() + `:abc"`, "x": forged, "y": "pii1:zz"})
	r, err := erasure.Opener{Keys: keys}.Record(context.Background(), eventlog.Record{Stream: "ticket-x", Data: data})
	if err != nil || string(r.Data) != string(data) {
		t.Fatalf("changed: %s (%v)", r.Data, err)
	}
}

// TestSealedFieldMovedDoesNotOpen (property): a field sealed for one customer in one
// stream, copied into another stream (another ticket of the same customer, or any stream
// of another customer), with its key id rewritten to the other customer or not, never
// opens there to its text.
func TestSealedFieldMovedDoesNotOpen(t *testing.T) {
	ctx := context.Background()
	keys := erasure.NewMemoryKeys()
	o := erasure.Opener{Keys: keys}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		a, b := uuid.New(), uuid.New()
		from, to := "ticket-"+uuid.NewString(), "ticket-"+uuid.NewString()
		ka, _ := keys.Key(ctx, a)
		_, _ = keys.Key(ctx, b)
		plain := fmt.Sprintf("secret-%d-%d", i, rng.Uint64())
		sealed, err := erasure.SealIn(ka, a, from, plain)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok, err := o.Field(ctx, from, sealed); err != nil || !ok || got != plain {
			t.Fatalf("in place: %q %v %v", got, ok, err)
		}
		moved := []struct{ stream, field string }{
			{to, sealed}, // another stream, its key id kept
			{to, strings.Replace(sealed, a.String(), b.String(), 1)},   // another customer's stream and key id
			{from, strings.Replace(sealed, a.String(), b.String(), 1)}, // its stream, another key id
		}
		for _, m := range moved {
			got, _, err := o.Field(ctx, m.stream, m.field)
			if err != nil || got == plain {
				t.Fatalf("moved field %q opened in %s: %q (%v)", m.field, m.stream, got, err)
			}
		}
	}
}

// BenchmarkOpenRecord is the opener's cost per read of a TicketReceived with six sealed
// fields (keys cached), and of a record that holds none (the bytes.Index alone).
func BenchmarkOpenRecord(b *testing.B) {
	ctx := context.Background()
	keys := erasure.NewCachedKeys(erasure.NewMemoryKeys())
	o := erasure.Opener{Keys: keys}
	id, stream := uuid.New(), "ticket-"+uuid.NewString()
	sealed := sealedEvent(b, keys, id, stream, map[string]string{"id": "crm-7", "name": "陈静", "email": "chen@example.com",
		"phone": "+86 139 0000 1111", "subject": "退款没有到账", "body": strings.Repeat("I was charged twice. ", 20)})
	plain, _ := json.Marshal(map[string]any{"agent_id": uuid.NewString(), "agent_name": "Wang", "team": "billing"})
	for _, bc := range []struct {
		name string
		data []byte
	}{{"sealed", sealed}, {"plain", plain}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := o.Record(ctx, eventlog.Record{Stream: stream, Data: bc.data}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
