package api

import (
	"context"
	"strings"
	"sync"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// testCustomers: customer records through HTTP. Two tickets with one external id and a
// third with only the first's email (in another case) show in one record; a tier change
// by a supervisor is an event on the record and affects only tickets received after it;
// concurrent receives for one new email make one record.
func testCustomers(c servicetest.Client, svc *service.Service) {
	t := c.T
	receive := func(cust map[string]any) string {
		return c.Must(201, "POST", "/tickets", map[string]any{"channel": "api", "customer": cust, "subject": "发票抬头写错了"}).Body["id"].(string)
	}
	first := receive(map[string]any{"id": "crm-7", "name": "李梅", "email": "mei@example.com", "tier": "core", "phone": "+86 10 1234 5678"})
	receive(map[string]any{"id": "crm-7", "name": "李梅", "email": "mei.work@example.com"})
	receive(map[string]any{"name": "Li Mei", "email": "MEI@Example.com"})
	rec := c.Must(200, "GET", "/customers/crm-7", nil)
	id, _ := rec.Body["id"].(string)
	tickets, _ := rec.Body["tickets"].(map[string]any)
	if id == "" || tickets["total"] != float64(3) || tickets["open"] != float64(3) || rec.Body["tier"] != "core" ||
		rec.Body["email"] != "mei@example.com" || rec.Body["phone"] != "+86 10 1234 5678" || !strings.Contains(rec.Raw, `{"source":"api","id":"crm-7"}`) {
		t.Fatalf("GET /customers/crm-7: %s", rec.Raw)
	}
	if byID := c.Must(200, "GET", "/customers/"+id, nil); byID.Raw != rec.Raw {
		t.Fatalf("by record id: %s, by external id: %s", byID.Raw, rec.Raw)
	}
	if byEmail := c.Must(200, "GET", "/customers?email=Mei@EXAMPLE.com", nil); !strings.Contains(byEmail.Raw, `"id":"`+id+`"`) {
		t.Fatalf("by email: %s", byEmail.Raw)
	}
	if none := c.Must(200, "GET", "/customers?email=nobody@example.com", nil); strings.TrimSpace(none.Raw) != `{"items":[]}` {
		t.Fatalf("unknown email: %s", none.Raw)
	}
	c.Must(404, "GET", "/customers/no-such-customer", nil)
	page := c.Must(200, "GET", "/customers/crm-7/tickets?limit=2", nil)
	rest := c.Must(200, "GET", "/customers/"+id+"/tickets?cursor="+page.Body["next"].(string), nil)
	if len(page.Body["items"].([]any)) != 2 || len(rest.Body["items"].([]any)) != 1 || !strings.Contains(rest.Raw, first) {
		t.Fatalf("tickets: %s then %s", page.Raw, rest.Raw)
	}

	// The tier: a supervisor's change is an event; earlier tickets keep theirs.
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "周强", "email": "zhou@example.com", "capacity": 3})
	servicetest.Client{T: t, Base: c.Base, Token: agent.Body["token"].(string)}.Must(403, "POST", "/customers/"+id+"/tier", map[string]any{"tier": "vip"})
	sup := c.Must(201, "POST", "/tokens", map[string]any{"role": "supervisor", "subject": "lead-1"}).Body["token"].(string)
	changed := servicetest.Client{T: t, Base: c.Base, Token: sup}.Must(200, "POST", "/customers/crm-7/tier", map[string]any{"tier": "vip"})
	if changed.Body["tier"] != "vip" || changed.Body["id"] != id {
		t.Fatalf("tier change: %s", changed.Raw)
	}
	recs, err := svc.Raw.ReadStream(context.Background(), eventlog.CustomerStream(uuid.MustParse(id)))
	if err != nil || recs[len(recs)-1].Type != domain.TypeCustomerTierChanged {
		t.Fatalf("the record's stream: %v %v", recs, err)
	}
	// Where the store has a key store beside it, the record's personal fields are sealed.
	if sealed := !strings.Contains(string(recs[0].Data), "mei@example.com"); sealed != (svc.Keys != nil) {
		t.Fatalf("key store %v, CustomerRegistered %s", svc.Keys != nil, recs[0].Data)
	}
	before := c.Must(200, "GET", "/tickets/"+first, nil)
	after := c.Must(200, "GET", "/tickets/"+receive(map[string]any{"name": "李梅", "email": "mei@example.com", "tier": "standard"}), nil)
	if !strings.Contains(before.Raw, `"tier":"core"`) || !strings.Contains(after.Raw, `"tier":"vip"`) || !strings.Contains(after.Raw, `"record_id":"`+id+`"`) {
		t.Fatalf("before the change: %s\nafter: %s", before.Raw, after.Raw)
	}
	if got := c.Must(200, "GET", "/customers/"+id, nil); got.Body["tier"] != "vip" || got.Body["tickets"].(map[string]any)["total"] != float64(4) {
		t.Fatalf("after the change: %s", got.Raw)
	}

	// Concurrent receives for one new email make one record.
	const racers = 8
	var wg sync.WaitGroup
	for range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Do("POST", "/tickets", map[string]any{"channel": "web", "subject": "同时", "customer": map[string]any{"name": "Race", "email": "race@example.com", "tier": "standard"}})
		}()
	}
	wg.Wait()
	raced := c.Must(200, "GET", "/customers?email=race@example.com", nil)
	items := raced.Body["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["tickets"].(map[string]any)["total"] != float64(racers) {
		t.Fatalf("after %d concurrent receives: %s", racers, raced.Raw)
	}
	registered := 0
	recs, err = svc.Store.ReadStream(context.Background(), eventlog.CustomerStream(domain.CustomerRecordID("race@example.com")))
	for _, r := range recs {
		if r.Type == domain.TypeCustomerRegistered {
			registered++
		}
	}
	if err != nil || registered != 1 {
		t.Fatalf("%d CustomerRegistered (%v), want 1", registered, err)
	}
}
