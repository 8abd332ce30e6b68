package domain_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

var articleAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func invoiceContent(title string) domain.ArticleContent {
	return domain.ArticleContent{Title: domain.Bilingual{Zh: title, En: "Invoices"}, Body: domain.Bilingual{Zh: "在订单页申请**发票**。"},
		Category: "billing", Tags: []string{" Invoice ", "invoice"}}
}

// articleDo runs a decision and applies its events through the stored JSON, as a fold
// from the event store would; it fails the test on an error.
func articleDo(t *testing.T, a *domain.Article, events []domain.Event, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		b, _ := json.Marshal(e)
		d, derr := domain.DecodeArticleEvent(e.EventType(), b)
		if derr != nil {
			t.Fatal(derr)
		}
		a.Apply(d, articleAt)
	}
}

func newDraft(t *testing.T, author string) *domain.Article {
	a := domain.NewArticle()
	ev, err := a.CreateArticle(uuid.New(), invoiceContent("发票"), author, nil)
	articleDo(t, a, ev, err)
	return a
}

func publish(t *testing.T, a *domain.Article, approver string) {
	t.Helper()
	ev, err := a.Submit()
	articleDo(t, a, ev, err)
	ev, err = a.Approve(approver)
	articleDo(t, a, ev, err)
	ev, err = a.Publish()
	articleDo(t, a, ev, err)
}

func TestArticleWorkflow(t *testing.T) {
	a := newDraft(t, "agent:a1")
	s := a.State()
	if s.Status != domain.ArticleStatusDraft || len(s.Revisions) != 1 || s.Version != 0 {
		t.Fatalf("after create: %+v", s)
	}
	if got := s.Latest().Content.Tags; len(got) != 1 || got[0] != "invoice" {
		t.Errorf("tags %q, want [invoice]", got)
	}
	if _, live := s.Published(); live {
		t.Error("a draft is live")
	}
	publish(t, a, "supervisor:lead")
	s = a.State()
	r, live := s.Published()
	if !live || r.N != 1 || r.Author != "agent:a1" || r.Approver != "supervisor:lead" || s.Status != domain.ArticleStatusPublished {
		t.Fatalf("after publish: %+v", s)
	}
}

func TestArticleTransitionsRefused(t *testing.T) {
	a := newDraft(t, "agent:a1")
	for name, f := range map[string]func() ([]domain.Event, error){
		"approve a draft": func() ([]domain.Event, error) { return a.Approve("supervisor:lead") },
		"publish a draft": a.Publish,
	} {
		if _, err := f(); !errors.Is(err, errs.InvalidTransition) {
			t.Errorf("%s: %v, want invalid transition", name, err)
		}
	}
	ev, err := a.Submit()
	articleDo(t, a, ev, err)
	if _, err := a.Submit(); !errors.Is(err, errs.InvalidTransition) {
		t.Errorf("submit twice: %v", err)
	}
	if _, err := a.Publish(); !errors.Is(err, errs.InvalidTransition) {
		t.Errorf("publish unapproved: %v", err)
	}
	ev, err = a.Archive()
	articleDo(t, a, ev, err)
	for name, f := range map[string]func() ([]domain.Event, error){
		"archive twice":   a.Archive,
		"revise archived": func() ([]domain.Event, error) { return a.Revise(invoiceContent("x"), "agent:a1") },
	} {
		if _, err := f(); !errors.Is(err, errs.InvalidTransition) {
			t.Errorf("%s: %v, want invalid transition", name, err)
		}
	}
	if _, err := domain.NewArticle().Submit(); !errors.Is(err, errs.NotFound) {
		t.Errorf("submit an unknown article: %v", err)
	}
}

// Nobody approves their own revision, whatever their role: the author of revision 2 may
// approve nothing of it, though they approved revision 1 written by someone else.
func TestNobodyApprovesTheirOwnRevision(t *testing.T) {
	a := newDraft(t, "supervisor:lead")
	ev, err := a.Submit()
	articleDo(t, a, ev, err)
	if _, err := a.Approve("supervisor:lead"); !errors.Is(err, errs.Forbidden) || !errors.Is(err, domain.ErrOwnRevision) {
		t.Fatalf("own approval: %v, want forbidden", err)
	}
	ev, err = a.Approve("admin")
	articleDo(t, a, ev, err)
	ev, err = a.Publish()
	articleDo(t, a, ev, err)
	ev, err = a.Revise(invoiceContent("发票 v2"), "admin")
	articleDo(t, a, ev, err)
	ev, err = a.Submit()
	articleDo(t, a, ev, err)
	if _, err := a.Approve("admin"); !errors.Is(err, domain.ErrOwnRevision) {
		t.Fatalf("admin approving its own revision 2: %v", err)
	}
}

// Revising a published article makes a new draft while the published one stays live;
// publishing the new one supersedes the old, and every revision stays readable.
func TestReviseKeepsThePublishedRevisionLive(t *testing.T) {
	a := newDraft(t, "agent:a1")
	publish(t, a, "supervisor:lead")
	ev, err := a.Revise(invoiceContent("发票（新版）"), "agent:a2")
	articleDo(t, a, ev, err)
	s := a.State()
	live, ok := s.Published()
	if !ok || live.N != 1 || live.Content.Title.Zh != "发票" || s.Status != domain.ArticleStatusDraft || s.Latest().N != 2 {
		t.Fatalf("after revising: live %+v (%v), state %+v", live, ok, s)
	}
	// A second revise before review replaces the work in progress, not the live one.
	ev, err = a.Revise(invoiceContent("发票（第三版）"), "agent:a2")
	articleDo(t, a, ev, err)
	s = a.State()
	if r2, _ := s.Revision(2); r2.Status != domain.ArticleStatusSuperseded {
		t.Errorf("revision 2 is %s, want superseded", r2.Status)
	}
	if live, _ := s.Published(); live.N != 1 {
		t.Errorf("live revision %d, want 1", live.N)
	}
	publish(t, a, "supervisor:lead")
	s = a.State()
	live, _ = s.Published()
	r1, _ := s.Revision(1)
	if live.N != 3 || live.Content.Title.Zh != "发票（第三版）" || r1.Status != domain.ArticleStatusSuperseded || r1.Content.Title.Zh != "发票" {
		t.Errorf("after publishing revision 3: live %+v, revision 1 %+v", live, r1)
	}
	if len(s.Revisions) != 3 || s.Revisions[2].Author != "agent:a2" || s.Revisions[2].Approver != "supervisor:lead" {
		t.Errorf("revisions %+v", s.Revisions)
	}
	ev, err = a.Archive()
	articleDo(t, a, ev, err)
	if _, ok := a.State().Published(); ok {
		t.Error("an archived article is live")
	}
}

func TestArticleContentValidation(t *testing.T) {
	for name, c := range map[string]domain.ArticleContent{
		"no title":   {Body: domain.Bilingual{En: "b"}},
		"no body":    {Title: domain.Bilingual{En: "t"}},
		"control":    {Title: domain.Bilingual{En: "t\x07"}, Body: domain.Bilingual{En: "b"}},
		"bad tag":    {Title: domain.Bilingual{En: "t"}, Body: domain.Bilingual{En: "b"}, Tags: []string{" "}},
		"long title": {Title: domain.Bilingual{Zh: strings.Repeat("长", domain.MaxArticleTitle+1)}, Body: domain.Bilingual{En: "b"}},
	} {
		if _, err := domain.NewArticle().CreateArticle(uuid.New(), c, "agent:a", nil); !errors.Is(err, errs.Validation) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	ok := domain.ArticleContent{Title: domain.Bilingual{En: "Refunds"}, Body: domain.Bilingual{En: "How to get a refund."}}
	if _, err := domain.NewArticle().CreateArticle(uuid.New(), ok, "agent:a", nil); err != nil {
		t.Errorf("one language is enough: %v", err)
	}
}

// A draft from a ticket: the subject as title, the public answers and the resolution under
// headings in the ticket's language, category and tags; never the customer's message.
func TestArticleFromTicket(t *testing.T) {
	zh := domain.TicketState{Subject: "退款没到账", Category: "billing", Tags: domain.NewTagList([]string{"refund"})}
	c := domain.ArticleFromTicket(zh, []string{"已原路退回。"}, "财务已重新发起退款")
	if c.Title.Zh != "退款没到账" || c.Title.En != "" || c.Category != "billing" || len(c.Tags) != 1 ||
		!strings.Contains(c.Body.Zh, "## 解答\n\n已原路退回。") || !strings.Contains(c.Body.Zh, "## 解决方法\n\n财务已重新发起退款") {
		t.Fatalf("zh draft: %+v", c)
	}
	en := domain.TicketState{Subject: "Refund missing"}
	en.Customer.Language = "en"
	c = domain.ArticleFromTicket(en, nil, "Refunded")
	if c.Title.En != "Refund missing" || c.Body.Zh != "" || strings.Contains(c.Body.En, "## Answer") || !strings.Contains(c.Body.En, "## Resolution\n\nRefunded") {
		t.Fatalf("en draft: %+v", c)
	}
	if _, err := domain.CheckArticleContent(c); err != nil {
		t.Fatalf("a draft from a ticket is not valid content: %v", err)
	}
}

// A read counts as a deflection once its 30 minutes have passed with no ticket opened by
// the same browser; a second read of the same article within them is the same visit.
func TestDeflections(t *testing.T) {
	v := domain.NewHelpVisitor()
	a, b := uuid.New(), uuid.New()
	at := func(m int) time.Time { return articleAt.Add(time.Duration(m) * time.Minute) }
	apply := func(ev []domain.Event, err error, when time.Time) {
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ev {
			v.Apply(e, when)
		}
	}
	ev, err := v.OpenArticle(a, "billing")
	apply(ev, err, at(0))
	ev, err = v.OpenArticle(a, "billing") // the same visit
	apply(ev, err, at(10))
	ev, err = v.OpenArticle(b, "account")
	apply(ev, err, at(60))
	ev, err = v.OpenTicket() // within b's window: b is no deflection
	apply(ev, err, at(80))
	s := v.State()
	if got := s.Deflections(at(29)); len(got) != 0 {
		t.Fatalf("before the window passed: %+v", got)
	}
	got := s.Deflections(at(200))
	if len(got) != 1 || got[0].ArticleID != a || got[0].Category != "billing" {
		t.Fatalf("deflections %+v, want the one read of a", got)
	}
}
