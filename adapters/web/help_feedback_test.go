package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// fakeKnowledge is one published article and the votes on it, one per visitor as the
// application keeps them; the other Knowledge methods are not used by these pages.
type fakeKnowledge struct {
	web.Knowledge
	article uuid.UUID
	votes   map[uuid.UUID]bool
	calls   int
}

func (k *fakeKnowledge) PublishedArticle(_ context.Context, id uuid.UUID) (domain.ArticleState, domain.ArticleRevision, error) {
	if id != k.article {
		return domain.ArticleState{}, domain.ArticleRevision{}, application.ErrNotFound
	}
	rev := domain.ArticleRevision{N: 1, Status: domain.ArticleStatusPublished,
		Content: domain.ArticleContent{Title: domain.Bilingual{Zh: "如何开具发票", En: "Invoices"}, Body: domain.Bilingual{Zh: "在订单页申请。", En: "Ask on the order page."}}}
	return domain.ArticleState{ID: id, Status: domain.ArticleStatusPublished, Live: 1, Revisions: []domain.ArticleRevision{rev}}, rev, nil
}

func (k *fakeKnowledge) Articles(ctx context.Context) ([]domain.ArticleState, error) {
	a, _, err := k.PublishedArticle(ctx, k.article)
	return []domain.ArticleState{a}, err
}

func (k *fakeKnowledge) Article(ctx context.Context, id uuid.UUID) (domain.ArticleState, error) {
	a, _, err := k.PublishedArticle(ctx, id)
	return a, err
}

func (k *fakeKnowledge) Visit(context.Context, uuid.UUID, uuid.UUID, string, command.CommandMeta) error {
	return nil
}

func (k *fakeKnowledge) Vote(_ context.Context, visitor, article uuid.UUID, helpful bool, _ command.CommandMeta) (domain.FeedbackCounts, bool, error) {
	k.calls++
	if article != k.article {
		return domain.FeedbackCounts{}, false, application.ErrNotFound
	}
	before, voted := k.votes[visitor]
	k.votes[visitor] = helpful
	return k.counts(), !voted || before != helpful, nil
}

func (k *fakeKnowledge) Feedback(context.Context) (map[uuid.UUID]domain.FeedbackCounts, error) {
	return map[uuid.UUID]domain.FeedbackCounts{k.article: k.counts()}, nil
}

func (k *fakeKnowledge) counts() domain.FeedbackCounts {
	var c domain.FeedbackCounts
	for _, h := range k.votes {
		if h {
			c.Helpful++
		} else {
			c.NotHelpful++
		}
	}
	return c
}

// TestArticleFeedbackFormWithoutScript: the article page's "did this help?" is a plain
// form of two submit buttons; posting it (as a browser without JavaScript does) records
// the vote of the browser's help-center cookie and sends back to the page, which thanks
// the visitor and shows the counts, in both languages. Bad values, unknown articles and
// cross-site posts record nothing.
func TestArticleFeedbackFormWithoutScript(t *testing.T) {
	k := &fakeKnowledge{article: uuid.New(), votes: map[uuid.UUID]bool{}}
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned}, Knowledge: k})
	if err != nil {
		t.Fatal(err)
	}
	page := "/help/articles/" + k.article.String()
	first := do(s, http.MethodGet, page, nil, "Accept-Language", "en")
	form := regexp.MustCompile(`<form method="post" action="` + regexp.QuoteMeta(page+"/feedback") + `">\s*` +
		`<button type="submit" name="helpful" value="yes">Yes</button>\s*<button type="submit" name="helpful" value="no">No</button>\s*</form>`)
	if first.status != http.StatusOK || !form.MatchString(first.body) || !strings.Contains(first.body, "Did this help?") ||
		!strings.Contains(first.body, "Nobody has said yet whether this helped.") {
		t.Fatalf("article page %d: %s", first.status, first.body)
	}
	cookie := first.header.Get("Set-Cookie")
	if !strings.HasPrefix(cookie, "hc=") {
		t.Fatalf("no help-center cookie: %q", cookie)
	}
	hc := strings.SplitN(cookie, ";", 2)[0]

	vote := func(value string, header ...string) answer {
		return do(s, http.MethodPost, page+"/feedback", url.Values{"helpful": {value}}, append([]string{"Cookie", hc}, header...)...)
	}
	yes := vote("yes")
	if yes.status != http.StatusSeeOther || yes.header.Get("Location") != page+"?voted=yes#feedback" {
		t.Fatalf("vote: %d %v", yes.status, yes.header)
	}
	vote("yes") // the same browser again: still one vote
	other := do(s, http.MethodPost, page+"/feedback", url.Values{"helpful": {"no"}})
	if other.status != http.StatusSeeOther || !strings.HasPrefix(other.header.Get("Set-Cookie"), "hc=") {
		t.Fatalf("a browser without a cookie: %d %v", other.status, other.header)
	}
	if len(k.votes) != 2 || !k.votes[uuid.MustParse(strings.TrimPrefix(hc, "hc="))] {
		t.Fatalf("votes by visitor: %v", k.votes)
	}
	back := do(s, http.MethodGet, page+"?voted=yes", nil, "Cookie", hc, "Accept-Language", "en")
	if !strings.Contains(back.body, `role="status"`) || !strings.Contains(back.body, "Thank you for your feedback.") ||
		!strings.Contains(back.body, `data-field="helpful" data-value="1" data-total="2">1 of 2 found this helpful`) {
		t.Fatalf("page after the vote: %s", back.body)
	}
	zh := do(s, http.MethodGet, page, nil, "Cookie", hc, "Accept-Language", "zh-CN")
	if !strings.Contains(zh.body, "2 人中有 1 人觉得有帮助") || !strings.Contains(zh.body, ">有帮助</button>") || strings.Contains(zh.body, "感谢") {
		t.Fatalf("zh page: %s", zh.body)
	}

	calls := k.calls
	for _, c := range []struct {
		name   string
		a      answer
		status int
	}{
		{"a value other than yes or no", vote("maybe"), http.StatusBadRequest},
		{"no value", do(s, http.MethodPost, page+"/feedback", url.Values{}, "Cookie", hc), http.StatusBadRequest},
		{"a cross-site post", vote("no", "Sec-Fetch-Site", "cross-site"), http.StatusForbidden},
		{"not an id", do(s, http.MethodPost, "/help/articles/nope/feedback", url.Values{"helpful": {"yes"}}), http.StatusNotFound},
	} {
		if c.a.status != c.status {
			t.Errorf("%s: %d, want %d", c.name, c.a.status, c.status)
		}
	}
	if k.calls != calls {
		t.Fatalf("refused posts reached the application: %d calls", k.calls-calls)
	}
	unknown := do(s, http.MethodPost, "/help/articles/"+uuid.NewString()+"/feedback", url.Values{"helpful": {"yes"}}, "Cookie", hc)
	if unknown.status != http.StatusNotFound || k.counts() != (domain.FeedbackCounts{Helpful: 1, NotHelpful: 1}) {
		t.Fatalf("unknown article: %d, counts %+v", unknown.status, k.counts())
	}
}

// TestDeskShowsArticleFeedback: staff see the counts on the articles list and on an
// article's page.
func TestDeskShowsArticleFeedback(t *testing.T) {
	k := &fakeKnowledge{article: uuid.New(), votes: map[uuid.UUID]bool{uuid.New(): true, uuid.New(): false, uuid.New(): true}}
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned}, Knowledge: k, Sessions: deskSessions{}})
	if err != nil {
		t.Fatal(err)
	}
	want := `data-field="helpful" data-value="2" data-total="3">2 of 3<`
	for _, path := range []string{"/desk/articles", "/desk/articles/" + k.article.String()} {
		a := do(s, http.MethodGet, path, nil, "Cookie", "desk=agent", "Accept-Language", "en")
		if a.status != http.StatusOK || !strings.Contains(a.body, want) || !strings.Contains(a.body, "Found helpful") {
			t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
		zh := do(s, http.MethodGet, path, nil, "Cookie", "desk=agent", "Accept-Language", "zh")
		if !strings.Contains(zh.body, "3 人中 2 人") {
			t.Fatalf("%s in zh: %s", path, zh.body)
		}
	}
}
