package knowledge_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestArticleFeedbackOnEmbedded and TestArticleFeedbackOnPostgres: "did this help?"
// through the API, on both read-model stores. A visitor's repeated vote counts once, a
// changed vote moves between the counts, a draft and an unknown id are 404s, bad input a
// 4xx, and the staff and portal reads show the counts.
func TestArticleFeedbackOnEmbedded(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	testArticleFeedback(c)
}

func TestArticleFeedbackOnPostgres(t *testing.T) {
	c, _ := servicetest.StartService(t, servicetest.PostgresConfig(t))
	testArticleFeedback(c)
}

func testArticleFeedback(c servicetest.Client) {
	t := c.T
	lead := servicetest.Client{T: t, Base: c.Base, Token: c.Must(201, "POST", "/tokens", map[string]any{"role": "supervisor", "subject": "lead-9"}).Body["token"].(string)}
	portal := servicetest.Client{T: t, Base: c.Base}
	draft := c.Must(201, "POST", "/articles", invoiceArticle).Body["id"].(string)
	id := c.Must(201, "POST", "/articles", invoiceArticle).Body["id"].(string)
	c.Must(200, "POST", "/articles/"+id+"/submit", nil)
	lead.Must(200, "POST", "/articles/"+id+"/approve", nil)
	lead.Must(200, "POST", "/articles/"+id+"/publish", nil)
	feedback := "/portal/articles/" + id + "/feedback"
	a, b := "6f1c3c1e-8f0a-4b7e-9c55-0d5e2b7a1a01", "6f1c3c1e-8f0a-4b7e-9c55-0d5e2b7a1a02"

	// Before any vote the reads show zeros.
	if got := portal.Must(200, "GET", "/portal/articles/"+id, nil); got.Body["helpful"] != float64(0) || got.Body["not_helpful"] != float64(0) {
		t.Fatalf("portal article before votes: %s", got.Raw)
	}
	counts := func(r servicetest.Response, helpful, notHelpful int, recorded bool) {
		t.Helper()
		if r.Body["helpful"] != float64(helpful) || r.Body["not_helpful"] != float64(notHelpful) || r.Body["recorded"] != recorded || r.Body["article_id"] != id {
			t.Fatalf("want %d/%d recorded %v: %s", helpful, notHelpful, recorded, r.Raw)
		}
	}
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": a, "helpful": true}), 1, 0, true)
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": a, "helpful": true}), 1, 0, false) // repeated: once
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": b, "helpful": true}), 2, 0, true)
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": a, "helpful": false}), 1, 1, true) // changed: moves
	// An Idempotency-Key repeat answers as the first time and appends nothing.
	c3 := "6f1c3c1e-8f0a-4b7e-9c55-0d5e2b7a1a03"
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": c3, "helpful": true}, "Idempotency-Key", "vote-c3"), 2, 1, true)
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": c3, "helpful": true}, "Idempotency-Key", "vote-c3"), 2, 1, true)
	counts(portal.Must(200, "POST", feedback, map[string]any{"visitor": c3, "helpful": false}, "Idempotency-Key", "vote-c3-no"), 1, 2, true)

	// The reads: staff (one and the list) and portal (one and the list).
	for _, r := range []servicetest.Response{c.Must(200, "GET", "/articles/"+id, nil), portal.Must(200, "GET", "/portal/articles/"+id, nil)} {
		if r.Body["helpful"] != float64(1) || r.Body["not_helpful"] != float64(2) {
			t.Fatalf("article read: %s", r.Raw)
		}
	}
	for _, list := range []servicetest.Response{c.Must(200, "GET", "/articles", nil), portal.Must(200, "GET", "/portal/articles", nil)} {
		found := false
		for _, it := range list.Body["items"].([]any) {
			item := it.(map[string]any)
			if item["id"] == id {
				found = item["helpful"] == float64(1) && item["not_helpful"] == float64(2)
			} else if item["id"] == draft && (item["helpful"] != float64(0) || item["not_helpful"] != float64(0)) {
				t.Fatalf("draft's counts: %v", item)
			}
		}
		if !found {
			t.Fatalf("list without the article's counts: %s", list.Raw)
		}
	}

	// Not live, unknown, bad input: refused, nothing counted.
	portal.Must(404, "POST", "/portal/articles/"+draft+"/feedback", map[string]any{"visitor": a, "helpful": true})
	portal.Must(404, "POST", "/portal/articles/00000000-0000-4000-8000-000000000000/feedback", map[string]any{"visitor": a, "helpful": true})
	bad := portal.InvalidOnPurpose()
	bad.Must(400, "POST", feedback, map[string]any{"visitor": a, "helpful": "yes"})
	bad.Must(400, "POST", feedback, map[string]any{"visitor": "not-a-uuid", "helpful": true})
	bad.Must(400, "POST", feedback, map[string]any{"visitor": a, "helpful": true, "score": 5})
	bad.Must(400, "POST", feedback, nil)
	bad.Must(422, "POST", feedback, map[string]any{"visitor": a})
	bad.Must(422, "POST", feedback, map[string]any{"helpful": false})
	if got := portal.Must(200, "GET", "/portal/articles/"+id, nil); got.Body["helpful"] != float64(1) || got.Body["not_helpful"] != float64(2) {
		t.Fatalf("refused votes counted: %s", got.Raw)
	}

	// The help center's form, as a browser without JavaScript posts it: the cookie the
	// article's page set is the visitor; its page after each vote shows the counts.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	get := func(method, path string, form url.Values) string {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, c.Base+path, body)
		req.Header.Set("Accept-Language", "en")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
		}
		return string(raw)
	}
	get("GET", "/help/articles/"+id, nil)
	for _, v := range []struct{ answer, shown string }{
		{"yes", "2 of 4 found this helpful"}, {"yes", "2 of 4 found this helpful"}, {"no", "1 of 4 found this helpful"}} {
		if after := get("POST", "/help/articles/"+id+"/feedback", url.Values{"helpful": {v.answer}}); !strings.Contains(after, v.shown) {
			t.Fatalf("after %s, want %q: %s", v.answer, v.shown, after)
		}
	}
	if got := portal.Must(200, "GET", "/portal/articles/"+id, nil); got.Body["helpful"] != float64(1) || got.Body["not_helpful"] != float64(3) {
		t.Fatalf("after the browser's votes: %s", got.Raw)
	}
}
