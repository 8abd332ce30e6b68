package knowledge_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// TestArticleFeedbackBudgetSharedOnEmbedded and TestArticleFeedbackBudgetSharedByNodes:
// "did this help?" votes from one client address draw on one budget (access.VoteBudget
// a minute) whether they come through the help center's form or the API, and, on
// PostgreSQL, whichever node they reach (the counters are in rate_counters): votes
// through the page count against the API's budget and the other way round; past it both
// doors answer 429 with Retry-After; another address still votes.
func TestArticleFeedbackBudgetSharedOnEmbedded(t *testing.T) {
	c, _ := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	testVoteBudgetShared(c, c)
}

func TestArticleFeedbackBudgetSharedByNodes(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	cfg := func() service.Config {
		return service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
	}
	a, _ := servicetest.StartService(t, cfg())
	b, _ := servicetest.StartService(t, cfg())
	testVoteBudgetShared(a, b)
}

// testVoteBudgetShared: the pages of node a, the API of node b (the same node on the
// embedded store).
func testVoteBudgetShared(a, b servicetest.Client) {
	t := a.T
	lead := servicetest.Client{T: t, Base: a.Base, Token: a.Must(201, "POST", "/tokens", map[string]any{"role": "supervisor", "subject": "lead-9"}).Body["token"].(string)}
	id := a.Must(201, "POST", "/articles", invoiceArticle).Body["id"].(string)
	a.Must(200, "POST", "/articles/"+id+"/submit", nil)
	lead.Must(200, "POST", "/articles/"+id+"/approve", nil)
	lead.Must(200, "POST", "/articles/"+id+"/publish", nil)

	const script = "127.0.0.6"
	pageVote := func(from string) (int, http.Header) {
		t.Helper()
		hc := &http.Client{Transport: a.FromAddr(from).HC.Transport, // no cookie jar: a fresh visitor each time
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest(http.MethodPost, a.Base+"/help/articles/"+id+"/feedback", strings.NewReader(url.Values{"helpful": {"yes"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode, res.Header
	}
	api := b.FromAddr(script)
	apiVote := func(c servicetest.Client, status int) servicetest.Response {
		t.Helper()
		return c.Must(status, "POST", "/portal/articles/"+id+"/feedback", map[string]any{"visitor": uuid.NewString(), "helpful": true})
	}
	const onPages = 10
	for i := range onPages {
		if status, _ := pageVote(script); status != http.StatusSeeOther {
			t.Fatalf("page vote %d: %d", i+1, status)
		}
	}
	for range access.VoteBudget - onPages {
		apiVote(api, http.StatusOK)
	}
	over := apiVote(api, http.StatusTooManyRequests)
	if secs, err := strconv.Atoi(over.Header.Get("Retry-After")); err != nil || secs <= 0 {
		t.Fatalf("429 without a Retry-After: %v", over.Header)
	}
	if status, h := pageVote(script); status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("the page past the budget the API used up: %d %v", status, h)
	}
	if r := apiVote(b.FromAddr("127.0.0.7"), http.StatusOK); r.Body["helpful"] != float64(access.VoteBudget+1) {
		t.Fatalf("another address (the refused votes must not count): %s", r.Raw)
	}
	if status, _ := pageVote("127.0.0.7"); status != http.StatusSeeOther {
		t.Fatalf("another address's page vote: %d", status)
	}
}
