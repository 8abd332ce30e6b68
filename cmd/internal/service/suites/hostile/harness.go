package hostile

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// The acceptance harness of issue 12: hostile inputs replayed through the whole HTTP
// stack on every event store and both read-model stores (the tests are in the packages
// under this one: memorystore, embeddedstore, postgresstore, eventstoredb; poison holds
// the regression tests of its defects). After each input: no 5xx, and a
// string the edge rule refuses is refused with a 400. After each corpus string (its ~35
// requests are one group): the projections are still live, a fresh ticket is in /queues
// and in the portal within 2 s. At the end: the store verifies, and export → import into
// a fresh store of the same kind → export gives the same bytes.
//
//	go test -race ./cmd/internal/service/suites/hostile/...

// stringsPerFixture is how many corpus strings act on one set of tickets: every accepted
// reply lengthens a ticket's stream and its portal timeline, which each later one then
// costs more to fold and store.
const stringsPerFixture = 40

// Run replays the named inputs, then the corpus, on one configuration; cfg must
// give a fresh, empty store each time it is called (the round trip imports into one).
func Run(t *testing.T, cfg func(t *testing.T) service.Config) {
	RunStrings(t, maxCorpusStrings, cfg)
}

// RunStrings is Run with at most limit corpus strings (0: the whole corpus).
func RunStrings(t *testing.T, limit int, cfg func(t *testing.T) service.Config) {
	c, svc := servicetest.StartService(t, cfg(t))
	w := newWire(c.Base, c.Token)
	f := makeFixture(c)
	live, dead := 0, 0
	// Each subtest acts through a client of its own: a failure must stop the subtest, not
	// call FailNow on its parent from the subtest's goroutine.
	as := func(t *testing.T) servicetest.Client { return servicetest.Client{T: t, Base: c.Base, Token: c.Token} }
	checkLive := func(c servicetest.Client, after string) {
		live++
		if AssertLive(c, fmt.Sprintf("live-%d", live), after) {
			dead = 0
		} else {
			dead++
		}
	}
	pos := &positions{svc: svc}
	t.Run("named", func(t *testing.T) {
		for _, p := range f.namedProbes() {
			before := pos.last(t)
			if status, _ := replay(t, w, p); status == 400 && pos.last(t) != before {
				t.Errorf("%s: refused with 400 but appended an event", p.name)
			}
		}
		assertPortalSaysNothing(t, w, f)
		checkLive(as(t), "the named inputs")
	})
	t.Run("corpus", func(t *testing.T) {
		strs := hostileStrings(t, limit)
		start := time.Now()
		for i, s := range strs {
			if i > 0 && i%stringsPerFixture == 0 {
				f = makeFixture(as(t)) // keeps the tickets' streams and timelines short
			}
			before := pos.last(t)
			for _, p := range f.probesFor(s) {
				replay(t, w, p)
			}
			// A string the edge refuses everywhere must have left no event behind.
			if refusedText(s) && pos.last(t) != before {
				t.Errorf("the refused string %.60q appended events", s)
			}
			checkLive(as(t), fmt.Sprintf("the string %.60q", s))
			if dead >= 3 {
				t.Errorf("the projections stay dead: the rest of the corpus is skipped")
				break
			}
		}
		t.Logf("%d strings, %d requests each, in %v", len(strs), len(f.probesFor("x")), time.Since(start).Round(time.Millisecond))
	})
	t.Run("roundtrip", func(t *testing.T) { AssertRoundTrip(t, svc.Raw, cfg) })
}

// replay sends p and checks the answer against the contract; it returns what came back.
func replay(t *testing.T, w *wire, p probe) (int, string) {
	t.Helper()
	status, raw, err := w.send(p)
	switch {
	case err != nil:
		t.Errorf("%s: %v", p.name, err)
	case status >= 500:
		t.Errorf("%s (%s %.120q): status %d: %.300s", p.name, p.method, p.path, status, raw)
	case p.want != 0 && status != p.want:
		t.Errorf("%s (%s %.120q, body %.80q): status %d, want %d: %.300s", p.name, p.method, p.path, p.body, status, p.want, raw)
	case strings.Contains(raw, "domain.") || strings.Contains(raw, "json: "):
		t.Errorf("%s: the problem shows Go's words (a type or decoder message): %.300s", p.name, raw)
	case p.want == 400 && p.field != "" && !strings.Contains(strings.ToLower(raw), strings.ToLower(p.field)):
		t.Errorf("%s: the problem does not name %q: %.300s", p.name, p.field, raw)
	case status < 300 && p.after != nil:
		p.after(t)
	}
	return status, raw
}

// makeFixture receives the tickets the probes act on and brings each to its state.
func makeFixture(c servicetest.Client) hostileFixture {
	ref := func() ticketRef {
		b := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body
		return ticketRef{id: b["id"].(string), number: b["number"].(string), code: b["access_code"].(string)}
	}
	f := hostileFixture{open: ref(), resolvable: ref(), rated: ref()}
	agent := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu-" + uuid.NewString()[:8] + "@example.com", "team": "support", "capacity": 50}).Body["id"]
	for _, id := range []string{f.resolvable.id, f.rated.id} {
		c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agent})
	}
	c.Must(200, "POST", "/tickets/"+f.rated.id+"/resolve", map[string]any{"resolution": "done"})
	f.staffDo = func(t *testing.T, method, path, body string) {
		if r := (servicetest.Client{T: t, Base: c.Base, Token: c.Token}).Do(method, path, body); r.Status >= 300 {
			t.Errorf("repair %s %s: %d %s", method, path, r.Status, r.Raw)
		}
	}
	return f
}

// AssertLive receives a ticket, classifies it in a category of its own and waits up to
// 2 s for it to show in /queues and in the portal: the projections have passed every
// event appended before (they apply events in global order), hostile ones included.
func AssertLive(c servicetest.Client, category, after string) bool {
	t := c.T
	b := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body
	id, number, code := b["id"].(string), b["number"].(string), b["access_code"].(string)
	c.Must(200, "POST", "/tickets/"+id+"/classify", map[string]any{"category": category, "priority": "P2"})
	portal := c.Do("GET", "/portal/tickets/"+number+"?code="+code+"&min_version=1", nil)
	if portal.Status != 200 || portal.Body["status"] != "classified" {
		t.Errorf("after %s: the portal does not show a fresh ticket within 2 s: %d %.200s", after, portal.Status, portal.Raw)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		r := c.Do("GET", "/queues?category="+category, nil)
		if r.Status == 200 && strings.Contains(r.Raw, id) {
			return true
		}
		if time.Now().After(deadline) {
			t.Errorf("after %s: a fresh ticket is not in /queues within 2 s: %d %.200s", after, r.Status, r.Raw)
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
