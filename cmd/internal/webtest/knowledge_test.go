package webtest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// TestKnowledgeBase: a customer who types 发票 into the open form and checks the help
// articles first sees the invoice article, opens it and leaves; an agent turns a
// resolved ticket into a draft on the desk, a supervisor approves and publishes it, and
// the help center finds it.
func TestKnowledgeBase(t *testing.T) {
	b := newBrowser(t)
	e := startEngine(t)
	e.staff(t, "王芳", "wang@example.com")
	e.supervisor(t, "Lena", "lena@example.com")
	invoice := e.publishedArticle(t, domain.ArticleContent{
		Title:    domain.Bilingual{Zh: "如何申请发票", En: "How to get an invoice"},
		Body:     domain.Bilingual{Zh: "在**订单页**点击「申请发票」，填写抬头和税号。", En: "Open the order and choose *Request invoice*."},
		Category: "billing"})
	t.Run("CustomerChecksArticles", func(t *testing.T) { customerChecksArticles(t, b, e, invoice) })
	t.Run("TicketBecomesArticle", func(t *testing.T) { ticketBecomesArticle(t, b, e) })
	t.Run("Accessibility", func(t *testing.T) { knowledgeAccessible(t, b, e, invoice) })
}

// knowledgeAccessible runs axe-core on the help center's article pages and the desk's, in
// both languages.
func knowledgeAccessible(t *testing.T, b *browser, e *engine, article uuid.UUID) {
	axe, err := os.ReadFile("testdata/axe-core-4.14.1.min.js")
	if err != nil {
		t.Fatal(err)
	}
	help := []string{"/help/articles?q=" + "发票", "/help/articles/" + article.String()}
	desk := []string{"/desk/articles", "/desk/articles/" + article.String()}
	for _, lang := range []string{"en", "zh-CN"} {
		b.language(t, lang)
		for _, p := range help {
			b.must(t, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			axeCheck(t, b, axe, p, lang)
		}
		b.signInAs(t, e, "lena@example.com", lang)
		for _, p := range desk {
			b.must(t, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			axeCheck(t, b, axe, p, lang)
		}
	}
}

// supervisor creates a supervisor account with a password.
func (e *engine) supervisor(t *testing.T, name, email string) uuid.UUID {
	t.Helper()
	acc, err := e.svc.Commands.CreateStaff.Handle(context.Background(), command.CreateStaff{Name: name, Email: email,
		Role: domain.RoleSupervisor, Team: domain.DefaultTeam, Language: "en", Password: deskPassword}, command.CommandMeta{Actor: "admin", IdempotencyKey: email})
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

// publishedArticle drafts, submits, approves and publishes an article through the commands.
func (e *engine) publishedArticle(t *testing.T, c domain.ArticleContent) uuid.UUID {
	t.Helper()
	ctx, a := context.Background(), &e.svc.Commands.Articles
	author, lead := command.CommandMeta{Actor: "agent:" + e.agent.String()}, command.CommandMeta{Actor: "supervisor:lead"}
	res, err := a.Create.Handle(ctx, command.CreateArticle{Content: c}, author)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Article.ID
	for _, step := range []func() (command.ArticleResult, error){
		func() (command.ArticleResult, error) {
			return a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, author)
		},
		func() (command.ArticleResult, error) {
			return a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead)
		},
		func() (command.ArticleResult, error) {
			return a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead)
		},
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func customerChecksArticles(t *testing.T, b *browser, e *engine, invoice uuid.UUID) {
	b.language(t, "zh-CN")
	b.must(t, chromedp.Navigate(e.url+"/help"), fill("#name", "陈静"), fill("#email", "chen@example.com"),
		fill("#subject", "发票"), click(`button[formaction="/help/articles/check"]`),
		chromedp.WaitVisible(chromedp.CSS(`.suggestions a[href="/help/articles/`+invoice.String()+`"]`)))
	if got := js[string](t, b, `document.querySelector('#subject').value`); got != "发票" {
		t.Fatalf("the form lost what was typed: subject %q", got)
	}
	b.must(t, click(`.suggestions a[href="/help/articles/`+invoice.String()+`"]`),
		waitFor(`location.pathname === '/help/articles/`+invoice.String()+`'`), chromedp.WaitVisible(chromedp.CSS("article h1")))
	if got := js[string](t, b, textOf("article h1")); got != "如何申请发票" {
		t.Fatalf("article title %q", got)
	}
	if got := js[string](t, b, `document.querySelector('article .body strong') ? document.querySelector('article .body strong').textContent : ''`); got != "订单页" {
		t.Fatalf("the Markdown is not rendered: %q", got)
	}
	b.checkPage(t)
	// The customer leaves: 30 minutes later with no ticket from this browser, the read is
	// one deflection, under its day and its article's category.
	ctx, now := context.Background(), time.Now()
	for _, g := range []struct{ by, group string }{{"day", now.UTC().Format("2006-01-02")}, {"category", "billing"}} {
		d, err := e.svc.ReadSide.Deflections(ctx, now.Add(-time.Hour), now.Add(time.Hour), g.by, now.Add(31*time.Minute))
		if err != nil || d[g.group] != 1 || len(d) != 1 {
			t.Fatalf("deflections by %s: %v, %v; want one under %s", g.by, d, err, g.group)
		}
		if d, _ := e.svc.ReadSide.Deflections(ctx, now.Add(-time.Hour), now.Add(time.Hour), g.by, now.Add(29*time.Minute)); len(d) != 0 {
			t.Fatalf("a deflection counted before its 30 minutes passed: %v", d)
		}
	}
	// Did this help? One click on "Yes" (有帮助): the page comes back thanking the visitor,
	// with the count.
	b.must(t, click(`#feedback button[value="yes"]`), waitFor(`location.search === '?voted=yes'`),
		chromedp.WaitVisible(chromedp.CSS(`#feedback [role="status"]`)))
	count := `#feedback [data-field="helpful"]`
	if got := js[string](t, b, `(e => e.dataset.value + '/' + e.dataset.total)(document.querySelector('`+count+`'))`); got != "1/1" {
		t.Fatalf("helpful/total after one yes: %q", got)
	}
	if got := js[string](t, b, textOf(count)); got != "1 人中有 1 人觉得有帮助" {
		t.Fatalf("the count reads %q", got)
	}
	b.checkPage(t)
}

func ticketBecomesArticle(t *testing.T, b *browser, e *engine) {
	_, _, id := e.open(t, "怎样修改收货地址")
	e.resolve(t, id)
	b.signInAs(t, e, "wang@example.com", "zh-CN")
	b.must(t, chromedp.Navigate(e.url+"/desk/tickets/"+id.String()), chromedp.WaitVisible(chromedp.CSS(`form[action$="/article"] button`)),
		click(`form[action$="/article"] button`), waitFor(`location.pathname.startsWith('/desk/articles/')`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="status"][data-value="draft"]`)))
	articlePath := js[string](t, b, `location.pathname`)
	if js[bool](t, b, `!!document.querySelector('form[action$="/approve"]')`) {
		t.Fatal("an agent is offered approval")
	}
	b.must(t, click(`form[action$="/submit"] button`), chromedp.WaitVisible(chromedp.CSS(`[data-field="status"][data-value="in_review"]`)))
	b.must(t, chromedp.Navigate(e.url+"/help/articles?q=收货地址"), chromedp.WaitVisible(chromedp.CSS("main")))
	if js[bool](t, b, `!!document.querySelector('a[href="`+"/help"+articlePath[len("/desk"):]+`"]')`) {
		t.Fatal("the help center shows an article in review")
	}

	b.signInAs(t, e, "lena@example.com", "en")
	b.must(t, chromedp.Navigate(e.url+articlePath), click(`form[action$="/approve"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="status"][data-value="approved"]`)),
		click(`form[action$="/publish"] button`), chromedp.WaitVisible(chromedp.CSS(`[data-field="status"][data-value="published"]`)))
	b.checkPage(t)

	helpPath := "/help" + articlePath[len("/desk"):]
	b.must(t, chromedp.Navigate(e.url+"/help/articles?q=收货地址"),
		waitFor(`(() => { const a = document.querySelector('a[href="`+helpPath+`"]');
			if (a) { a.click(); return true } setTimeout(() => location.reload(), 200); return false })()`),
		waitFor(`location.pathname === '`+helpPath+`'`), chromedp.WaitVisible(chromedp.CSS("article h1")))
	if got := js[string](t, b, textOf("article h1")); got != "怎样修改收货地址" {
		t.Fatalf("published article title %q", got)
	}
}
