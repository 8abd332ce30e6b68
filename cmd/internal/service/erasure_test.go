package service_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/esdb/esdbtest"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// Erasure (docs/AUDIT.md "Erasure") on every event store: a customer's tickets hold their
// personal data only sealed; POST /customers/{id}/erase makes every view and the search
// forget it at once, the raw events hold none of it in plain, and the chain verifies.

func TestErasureOnMemoryStore(t *testing.T) {
	runErasure(t, service.Config{EventStore: "memory:", Data: t.TempDir()}, false)
}

func TestErasureOnEmbeddedStore(t *testing.T) {
	runErasure(t, service.Config{Data: t.TempDir()}, true)
}

func TestErasureOnPostgresStore(t *testing.T) {
	runErasure(t, servicetest.PostgresConfig(t), true)
}

func TestErasureOnEventStoreDB(t *testing.T) {
	runErasure(t, service.Config{EventStore: esdbtest.Start(t).ConnectionString(), Data: t.TempDir()}, false)
}

// secrets are the personal data of the scenario: none may be found in plain in a raw event.
var erasureSecrets = []string{"王秘密", "secret.wang@example.com", "139 0000 1111", "crm-erase", "Xylophone", "Zebra42", "Quokka", "Marmoset"}

func runErasure(t *testing.T, cfg service.Config, restart bool) {
	c, svc, stop := servicetest.RunningService(t, cfg)
	cust := map[string]any{"id": "crm-erase", "name": "王秘密", "email": "secret.wang@example.com", "phone": "+86 139 0000 1111", "tier": "core"}
	a := c.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "customer": cust, "subject": "账号被盗 Xylophone", "body": "my password was Zebra42"})
	b := c.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "customer": cust, "subject": "second"})
	aID, bID := a.Body["id"].(string), b.Body["id"].(string)
	anon := servicetest.Client{T: t, Base: c.Base}
	portal := "/portal/tickets/" + a.Body["number"].(string) + "?code=" + url.QueryEscape(a.Body["access_code"].(string))
	anon.Must(200, "POST", strings.Replace(portal, "?", "/replies?", 1), map[string]any{"body": "still locked out, Quokka"})
	self := anon.Must(201, "POST", "/portal/tickets", map[string]any{"customer": map[string]any{"name": "王秘密", "email": "Secret.Wang@example.com"}, "subject": "Marmoset", "body": "unconfirmed"})
	selfID, err := svc.Commands.FindByNumber.Find(context.Background(), self.Body["number"].(string), self.Body["access_code"].(string))
	if err != nil {
		t.Fatal(err)
	}
	c.Must(200, "POST", "/tickets/"+aID+"/replies", map[string]any{"body": "We reset your account"})
	if v := c.Must(200, "GET", "/tickets/"+aID, nil); !strings.Contains(v.Raw, "王秘密") || !strings.Contains(v.Raw, "Xylophone") {
		t.Fatalf("before the erasure the ticket shows its customer: %s", v.Raw)
	}
	servicetest.WaitFor(t, 5*time.Second, "search finds Xylophone", func() bool { return strings.Contains(c.Must(200, "GET", "/tickets?q=Xylophone", nil).Raw, aID) })
	checkRawSealed(t, svc.Raw)

	sup := c.Must(201, "POST", "/tokens", map[string]any{"role": "supervisor", "subject": "lead-1"}).Body["token"].(string)
	servicetest.Client{T: t, Base: c.Base, Token: sup}.Must(403, "POST", "/customers/crm-erase/erase", nil)
	c.Must(404, "POST", "/customers/no-such-customer/erase", nil)
	erased := c.Must(200, "POST", "/customers/crm-erase/erase", nil)
	id := erased.Body["id"].(string)
	if erased.Body["erased"] != true || erased.Body["name"] != "" || erased.Body["email"] != "" || erased.Body["phone"] != nil ||
		len(erased.Body["external_ids"].([]any)) != 0 {
		t.Fatalf("the erased record: %s", erased.Raw)
	}
	if again := c.Must(200, "POST", "/customers/"+id+"/erase", map[string]any{}); again.Body["erased"] != true {
		t.Fatalf("erasing twice: %s", again.Raw)
	}
	// The stream cache holds no plain text past the erasure: a command answers the ticket forgotten.
	if r := c.Must(200, "POST", "/tickets/"+aID+"/replies", map[string]any{"body": "closing this"}); strings.Contains(r.Raw, "王秘密") {
		t.Fatalf("a command after the erasure answers: %s", r.Raw)
	}
	checkForgotten(t, c, anon, portal, id, aID, bID, selfID.String())
	checkRawSealed(t, svc.Raw)
	checkChain(t, svc.Raw)
	if !restart {
		return
	}
	// A restart rebuilds the in-memory read models and the search from the events: the same.
	stop()
	c, svc, _ = servicetest.RunningService(t, cfg)
	checkForgotten(t, c, servicetest.Client{T: t, Base: c.Base}, portal, id, aID, bID, selfID.String())
	checkChain(t, svc.Raw)
}

// checkForgotten: no view shows the erased customer or what they wrote.
func checkForgotten(t *testing.T, c, anon servicetest.Client, portal, record string, tickets ...string) {
	t.Helper()
	views := []string{"/customers/" + record, "/customers/" + record + "/tickets", "/tickets?customer=" + record, "/queues"}
	for _, id := range tickets {
		views = append(views, "/tickets/"+id, "/tickets/"+id+"/messages", "/tickets/"+id+"/events")
	}
	servicetest.WaitFor(t, 5*time.Second, "the views forget the customer", func() bool {
		for _, v := range views {
			if r := c.Must(200, "GET", v, nil); containsAny(r.Raw, erasureSecrets) {
				t.Logf("%s: %s", v, r.Raw)
				return false
			}
		}
		if r := anon.Must(200, "GET", portal, nil); containsAny(r.Raw, erasureSecrets) {
			t.Logf("portal: %s", r.Raw)
			return false
		}
		return true
	})
	if r := c.Must(200, "GET", "/customers/"+record, nil); r.Body["erased"] != true || r.Body["tickets"].(map[string]any)["total"] != float64(3) {
		t.Fatalf("the erased record: %s", r.Raw)
	}
	for _, q := range []string{"Xylophone", "Zebra42", "Quokka", "Marmoset", "secret.wang@example.com", "王秘密"} {
		servicetest.WaitFor(t, 5*time.Second, "search forgets "+q, func() bool {
			return strings.TrimSpace(c.Must(200, "GET", "/tickets?q="+url.QueryEscape(q), nil).Raw) == `{"items":[]}`
		})
	}
}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// checkRawSealed: the store's own records hold no personal datum in plain.
func checkRawSealed(t *testing.T, store eventlog.EventStore) {
	t.Helper()
	recs, err := store.ReadAll(context.Background(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if containsAny(string(r.Data)+r.Stream+r.Meta.Actor, erasureSecrets) {
			t.Fatalf("raw %s %s holds personal data in plain: %s", r.Stream, r.Type, r.Data)
		}
	}
}

// checkChain: every stream of the raw store verifies.
func checkChain(t *testing.T, store eventlog.EventStore) {
	t.Helper()
	recs, err := store.ReadAll(context.Background(), 0, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	v := eventlog.NewChainVerifier()
	for _, r := range recs {
		v.Add(r)
	}
	if len(v.Problems) > 0 || len(recs) == 0 {
		t.Fatalf("%d records; the chain: %v", len(recs), v.Problems)
	}
}
