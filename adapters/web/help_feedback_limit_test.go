package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// TestArticleFeedbackFormRateLimited: "did this help?" votes are anonymous, so a client
// address (as the trusted proxy tells it) has access.VoteBudget of them a minute: a
// script posting with a fresh cookie each time gets the localized "too many" page (429,
// Retry-After) on the 31st, and the vote does not reach the application; the same vote
// again is not charged; another address still votes; the budget is the limiter given in
// Options (ticketd's, shared with the API), not one of the pages' own.
func TestArticleFeedbackFormRateLimited(t *testing.T) {
	proxies, err := access.ParseProxies("192.0.2.0/24") // httptest's peer
	if err != nil {
		t.Fatal(err)
	}
	k := &fakeKnowledge{article: uuid.New(), votes: map[uuid.UUID]bool{}}
	votes := access.NewLimiter(access.VoteBudget, access.VoteWindow)
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned}, Knowledge: k,
		Proxies: proxies, VoteLimiter: votes})
	if err != nil {
		t.Fatal(err)
	}
	path := "/help/articles/" + k.article.String() + "/feedback"
	vote := func(from string, header ...string) answer {
		return do(s, http.MethodPost, path, url.Values{"helpful": {"yes"}}, append([]string{"X-Forwarded-For", from}, header...)...)
	}
	const script = "203.0.113.5"
	first := vote(script)
	hc := strings.SplitN(first.header.Get("Set-Cookie"), ";", 2)[0]
	if first.status != http.StatusSeeOther || !strings.HasPrefix(hc, "hc=") {
		t.Fatalf("first vote: %d %v", first.status, first.header)
	}
	for i := range 10 { // the same browser's same vote: nothing recorded, nothing charged
		if a := vote(script, "Cookie", hc); a.status != http.StatusSeeOther {
			t.Fatalf("repeat %d: %d", i+1, a.status)
		}
	}
	for i := 1; i < access.VoteBudget; i++ { // fresh cookies: every one a new visitor
		if a := vote(script); a.status != http.StatusSeeOther {
			t.Fatalf("vote %d of %d: %d %s", i+1, access.VoteBudget, a.status, a.body)
		}
	}
	if len(k.votes) != access.VoteBudget {
		t.Fatalf("%d visitors voted, want %d", len(k.votes), access.VoteBudget)
	}
	calls := k.calls
	over := vote(script, "Accept-Language", "en")
	if over.status != http.StatusTooManyRequests || over.header.Get("Retry-After") != "60" ||
		!strings.Contains(over.body, "Too many attempts from your network") {
		t.Fatalf("vote %d: %d %v %s", access.VoteBudget+1, over.status, over.header, over.body)
	}
	if zh := vote(script, "Accept-Language", "zh-CN"); zh.status != http.StatusTooManyRequests || !strings.Contains(zh.body, "尝试次数过多") {
		t.Fatalf("over the budget in zh: %d %s", zh.status, zh.body)
	}
	if k.calls != calls || len(k.votes) != access.VoteBudget {
		t.Fatalf("refused votes reached the application: %d calls, %d visitors", k.calls-calls, len(k.votes))
	}
	if other := vote("203.0.113.6"); other.status != http.StatusSeeOther {
		t.Fatalf("another address: %d %s", other.status, other.body)
	}
	// The budget is the one given: the page's refusal is that limiter's.
	if votes.Take(script) {
		t.Fatal("the given limiter did not hold the page's votes")
	}
}
