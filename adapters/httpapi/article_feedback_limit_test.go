package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
)

// TestArticleFeedbackRateLimited: POST /portal/articles/{id}/feedback is anonymous, so a
// client address has access.VoteBudget votes a minute: a fresh visitor id per request
// gets a 429 problem with Retry-After on the 31st, which records nothing; the same vote
// again is not charged; another address still votes.
func TestArticleFeedbackRateLimited(t *testing.T) {
	e := newReadEnv(t)
	id := e.w.PublishedArticles(t, 1)[0]
	path := "/portal/articles/" + id.String() + "/feedback"
	vote := func(from string, visitor uuid.UUID) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(fmt.Sprintf(`{"visitor":%q,"helpful":true}`, visitor)))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = from + ":40000"
		w := httptest.NewRecorder()
		e.server.ServeHTTP(w, r)
		return w
	}
	const script = "198.51.100.7"
	same := uuid.New()
	for i := range 10 { // one visitor's same vote: recorded once, charged once
		if w := vote(script, same); w.Code != http.StatusOK {
			t.Fatalf("repeat %d: %d %s", i, w.Code, w.Body)
		}
	}
	for i := 1; i < access.VoteBudget; i++ {
		if w := vote(script, uuid.New()); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"recorded":true`) {
			t.Fatalf("vote %d of %d: %d %s", i+1, access.VoteBudget, w.Code, w.Body)
		}
	}
	over := vote(script, uuid.New())
	if over.Code != http.StatusTooManyRequests || over.Header().Get("Retry-After") == "" ||
		over.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(over.Body.String(), "too many votes") {
		t.Fatalf("vote %d: %d %v %s", access.VoteBudget+1, over.Code, over.Header(), over.Body)
	}
	other := vote("198.51.100.8", uuid.New())
	if other.Code != http.StatusOK || !strings.Contains(other.Body.String(), fmt.Sprintf(`"helpful":%d`, access.VoteBudget+1)) {
		t.Fatalf("another address (the refused vote must not have counted): %d %s", other.Code, other.Body)
	}
}
