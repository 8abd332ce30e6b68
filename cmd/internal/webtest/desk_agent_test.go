package webtest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

const deskPassword = "a long passphrase"

// TestDesk is an agent's day in one browser: sign in, find a ticket the customer opened
// on /help by a Chinese word, answer it publicly with a file and add an internal note,
// resolve; the customer sees the answer and not the note; a colleague's change first is
// a conflict message, not a lost update; the flow works from the keyboard alone; the queue
// refreshes by itself; no desk page has a serious or critical axe-core violation.
func TestDesk(t *testing.T) {
	b := newBrowser(t)
	e := startEngine(t)
	a := e.staff(t, "王芳", "wang@example.com")
	colleague := e.staff(t, "Bob", "bob@example.com")
	t.Run("AgentDay", func(t *testing.T) { agentDay(t, b, e) })
	t.Run("Conflict", func(t *testing.T) { conflict(t, b, e, colleague) })
	t.Run("KeyboardOnly", func(t *testing.T) { keyboardOnly(t, b, e) })
	t.Run("QueueRefreshes", func(t *testing.T) { queueRefreshes(t, b, e, a) })
	t.Run("WithoutJavaScript", func(t *testing.T) { deskWithoutJavaScript(t, b, e) })
	t.Run("Accessibility", func(t *testing.T) { deskAccessible(t, b, e) })
}

// staff creates an agent account with a password, in the default team.
func (e *engine) staff(t *testing.T, name, email string) uuid.UUID {
	t.Helper()
	acc, err := e.svc.Commands.CreateStaff.Handle(context.Background(), command.CreateStaff{Name: name, Email: email,
		Role: domain.RoleAgent, Team: domain.DefaultTeam, Language: "zh", Password: deskPassword}, command.CommandMeta{Actor: "admin", IdempotencyKey: email})
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

// signInAs signs the browser in (signing out whoever was), in a language.
func (b *browser) signInAs(t *testing.T, e *engine, email, lang string) {
	t.Helper()
	b.language(t, lang)
	b.must(t, chromedp.Navigate(e.url+"/desk/queue"), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
		fill(`input[name="email"]`, email), fill(`input[name="password"]`, deskPassword), click(`form[action="/desk/signin"] button`),
		waitFor(`location.pathname === '/desk/queue' && !!document.querySelector('#queue')`))
}

// searchFor searches until the index has the ticket (it follows the event log) and opens it.
func (b *browser) searchFor(t *testing.T, e *engine, word, number string) {
	t.Helper()
	b.must(t, chromedp.Navigate(e.url+"/desk/search?q="+word),
		waitFor(`(() => { const a = document.querySelector('#queue [data-value="`+number+`"] a');
			if (a) { a.click(); return true } setTimeout(() => location.reload(), 200); return false })()`),
		waitFor(`location.pathname.startsWith('/desk/tickets/') && !!document.querySelector('[data-field="version"]')`))
}

func version(t *testing.T, b *browser) string {
	return value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="version"]`), "data-value")).Value
}

func agentDay(t *testing.T, b *browser, e *engine) {
	b.language(t, "zh-CN")
	b.must(t, chromedp.Navigate(e.url+"/help"), fill("#name", "陈静"), fill("#email", "chen@example.com"),
		fill("#subject", "发票退款问题"), fill("#body", "我的订单被重复扣款了"), click(`form[action="/help/tickets"] button`),
		chromedp.WaitVisible(chromedp.CSS(`[data-field="number"]`)))
	number := value(t, b, chromedp.AttributeValue(chromedp.CSS(`[data-field="number"]`), "data-value")).Value
	helpPath := js[string](t, b, `location.pathname + '?code=' + new URLSearchParams(location.search).get('code')`)

	b.signInAs(t, e, "wang@example.com", "en")
	b.searchFor(t, e, "退款", number)
	file := filepath.Join(t.TempDir(), "receipt.txt")
	if err := os.WriteFile(file, []byte("refund receipt 2026-12-02\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v := version(t, b)
	b.must(t, click(`form[action$="/assign"] button`), waitFor(`document.querySelector('[data-field="status"]').dataset.value === 'assigned'`))
	v = version(t, b)
	b.must(t, fill(`textarea[name="body"]`, "已为您办理退款，三个工作日内到账。"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="attachments"]`), []string{file}),
		click(`form[action$="/reply"] button[type="submit"]:not([formaction])`),
		waitFor(`document.querySelector('[data-field="version"]').dataset.value !== '`+v+`'`),
		waitFor(`[...document.querySelectorAll('.timeline a[href^="/desk/attachments/"]')].some(a => a.textContent === 'receipt.txt')`))
	v = version(t, b)
	b.must(t, fill(`textarea[name="body"]`, "内部：已核对发票"), click(`button[formaction$="/note"]`),
		waitFor(`document.querySelector('[data-field="version"]').dataset.value !== '`+v+`'`),
		waitFor(`!!document.querySelector('.entry.internal') && document.querySelector('.entry.internal').textContent.includes('已核对发票')`))
	b.must(t, fill(`input[name="resolution"]`, "退款完成"), click(`form[action$="/resolve"] button`),
		waitFor(`document.querySelector('[data-field="status"]').dataset.value === 'resolved'`))
	b.checkPage(t)

	b.must(t, chromedp.Navigate(e.url+helpPath), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	timeline := js[string](t, b, textOf("#timeline"))
	if !strings.Contains(timeline, "三个工作日内到账") || strings.Contains(timeline, "已核对发票") {
		t.Fatalf("the customer's timeline: %q", timeline)
	}
}

// conflict: the page was loaded at one version, a colleague changed the ticket, the
// agent's reply is refused with the message and the new state, the text kept.
func conflict(t *testing.T, b *browser, e *engine, colleague uuid.UUID) {
	number, _, id := e.open(t, "双人编辑")
	b.signInAs(t, e, "wang@example.com", "en")
	b.must(t, chromedp.Navigate(e.url+"/desk/tickets/"+id.String()), chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)))
	before := version(t, b)
	if _, err := e.svc.Commands.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, AgentID: colleague},
		command.CommandMeta{Actor: "agent:" + colleague.String()}); err != nil {
		t.Fatal(err)
	}
	b.must(t, fill(`textarea[name="body"]`, "我的回复"), click(`form[action$="/reply"] button[type="submit"]:not([formaction])`),
		chromedp.WaitVisible(chromedp.CSS("#conflict")))
	if after := version(t, b); after == before || js[string](t, b, `document.querySelector('textarea[name="body"]').value`) != "我的回复" {
		t.Fatalf("version %s → %s, the text %q", before, after, js[string](t, b, `document.querySelector('textarea[name="body"]').value`))
	}
	if got := js[string](t, b, textOf(`[data-field="number"]`)); got != number {
		t.Fatalf("number %q", got)
	}
	msgs, _, err := e.svc.ReadSide.Messages(context.Background(), id, -1, 100, "")
	if err != nil || len(msgs) != 1 {
		t.Fatalf("the refused reply was written: %d messages, %v", len(msgs), err)
	}
}

// keyboardOnly: the agent's whole flow with Tab, typing and Enter only: sign in, find
// the ticket by a Chinese word, take it, answer publicly with a file, add an internal
// note, resolve. The file is chosen in the browser's file dialog, which the file field opens
// from the keyboard; a test cannot type into that dialog, so it sets the file the way the
// dialog would, once the field has the focus.
func keyboardOnly(t *testing.T, b *browser, e *engine) {
	number, _, id := e.open(t, "键盘坏了")
	waitIndexed(t, e, "键盘", id)
	file := filepath.Join(t.TempDir(), "keyboard.txt")
	if err := os.WriteFile(file, []byte("typed only\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	page := `location.pathname === '/desk/tickets/` + id.String() + `'`
	b.language(t, "en")
	b.must(t, chromedp.Navigate(e.url+"/desk/queue"), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		tabTo(`email`), chromedp.KeyEvent("bob@example.com"), tabTo(`password`), chromedp.KeyEvent(deskPassword+kb.Enter),
		waitFor(`location.pathname === '/desk/queue' && !!document.querySelector('#desk-q')`),
		tabTo(`q`), chromedp.KeyEvent("键盘"+kb.Enter),
		waitFor(`location.pathname === '/desk/search' && !!document.querySelector('#queue [data-value="`+number+`"] a')`),
		tabToButton(`#queue [data-value="`+number+`"] a`), chromedp.KeyEvent(kb.Enter),
		waitFor(page), chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)),
		// take it
		tabToButton(`form[action$="/assign"] button`), chromedp.KeyEvent(kb.Enter),
		waitFor(page+` && document.querySelector('[data-field="status"]').dataset.value === 'assigned'`),
		// public answer with a file
		tabTo(`body`), chromedp.KeyEvent("Typed only."), tabTo(`attachments`),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="attachments"]`), []string{file}),
		tabToButton(`form[action$="/reply"] button[type="submit"]:not([formaction])`), chromedp.KeyEvent(kb.Enter),
		waitFor(page+` && document.querySelector('.timeline') && document.querySelector('.timeline').textContent.includes('Typed only.')`),
		// internal note
		tabTo(`body`), chromedp.KeyEvent("Noted by keyboard."), tabToButton(`button[formaction$="/note"]`), chromedp.KeyEvent(kb.Enter),
		waitFor(page+` && !!document.querySelector('.timeline .entry.internal') && document.querySelector('.timeline').textContent.includes('Noted by keyboard.')`),
		// resolve
		tabTo(`resolution`), chromedp.KeyEvent("Solved from the keyboard"+kb.Enter),
		waitFor(`document.querySelector('[data-field="status"]') && document.querySelector('[data-field="status"]').dataset.value === 'resolved'`))
	if got := js[string](t, b, `Array.from(document.querySelectorAll('.timeline .files a')).map(a => a.textContent).join(',')`); got != "keyboard.txt" {
		t.Fatalf("files on the ticket after the keyboard's answer: %q, want keyboard.txt", got)
	}
}

// waitIndexed waits until the search index finds the ticket by word (it follows the
// event log), so that the test's search from the keyboard is a user's, not a race.
func waitIndexed(t *testing.T, e *engine, word string, id uuid.UUID) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		hits, err := e.svc.ReadSide.SearchTickets(context.Background(), word, true, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.TicketID == id.String() {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search index does not find %q after 20 s", word)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tabTo presses Tab until the field of that name has the focus.
func tabTo(name string) chromedp.Action[chromedp.Void] {
	return tabUntil(`document.activeElement && document.activeElement.name === '` + name + `'`)
}

func tabToButton(sel string) chromedp.Action[chromedp.Void] {
	return tabUntil(`document.activeElement === document.querySelector('` + sel + `')`)
}

func tabUntil(cond string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		for i := 0; i < 60; i++ {
			if ok, err := chromedp.Evaluate[bool](cond)(ctx, tg); err == nil && ok {
				return chromedp.Void{}, nil
			}
			if _, err := chromedp.KeyEvent(kb.Tab)(ctx, tg); err != nil {
				return chromedp.Void{}, err
			}
		}
		return chromedp.Void{}, context.DeadlineExceeded
	}
}

// queueRefreshes: a ticket assigned to the agent appears in the open queue page within
// 2 s, without a reload.
func queueRefreshes(t *testing.T, b *browser, e *engine, agent uuid.UUID) {
	b.signInAs(t, e, "wang@example.com", "en")
	_ = js[bool](t, b, `window.__same = true`)
	// Polls of an unchanged queue are answered 304 (its ETag), and htmx swaps nothing.
	_ = js[bool](t, b, `(window.__polls = [], document.body.addEventListener('htmx:afterRequest',
		e => window.__polls.push(e.detail.xhr.status)), true)`)
	time.Sleep(2500 * time.Millisecond)
	if !js[bool](t, b, `window.__polls.includes(304) && !!document.querySelector('#queue')`) {
		t.Fatalf("no poll of the unchanged queue was answered 304: %v", js[[]any](t, b, `window.__polls`))
	}
	number, _, id := e.open(t, "刷新")
	if _, err := e.svc.Commands.Assign.Handle(context.Background(), command.AssignTicket{TicketID: id, AgentID: agent}, staff()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, waitFor(`!!document.querySelector('#queue [data-value="`+number+`"]')`)); err != nil {
		t.Fatal(err)
	}
	if !js[bool](t, b, `window.__same === true`) {
		t.Fatal("the page was reloaded, not refreshed in place")
	}
}

// deskWithoutJavaScript: with scripts off, an agent signs in, searches, takes a ticket
// and answers it: every step is a plain form or link.
func deskWithoutJavaScript(t *testing.T, b *browser, e *engine) {
	number, _, _ := e.open(t, "无脚本")
	b.must(t, scripts(false))
	defer b.must(t, scripts(true))
	b.signInAs(t, e, "bob@example.com", "en")
	b.searchFor(t, e, "无脚本", number)
	b.must(t, click(`form[action$="/assign"] button`), chromedp.WaitVisible(chromedp.CSS(`[data-field="status"][data-value="assigned"]`)),
		fill(`textarea[name="body"]`, "No script needed."), click(`form[action$="/reply"] button[type="submit"]:not([formaction])`),
		waitFor(`document.querySelector('.timeline') && document.querySelector('.timeline').textContent.includes('No script needed.')`))
	if got := js[string](t, b, `typeof window.htmx`); got != "undefined" {
		t.Fatalf("the page ran its scripts: htmx is %s", got)
	}
}

// deskAccessible runs axe-core on the desk's pages in both languages.
func deskAccessible(t *testing.T, b *browser, e *engine) {
	axe, err := os.ReadFile("testdata/axe-core-4.14.1.min.js")
	if err != nil {
		t.Fatal(err)
	}
	_, _, id := e.open(t, "无障碍")
	pages := []string{"/desk/queue", "/desk/team", "/desk/search?q=" + "无障碍", "/desk/tickets/" + id.String()}
	for _, lang := range []string{"en", "zh-CN"} {
		b.language(t, lang)
		b.must(t, chromedp.Navigate(e.url+"/desk/signin"), chromedp.WaitVisible(chromedp.CSS("main")))
		axeCheck(t, b, axe, "/desk/signin", lang)
		b.signInAs(t, e, "wang@example.com", lang)
		for _, p := range pages {
			b.must(t, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main")))
			axeCheck(t, b, axe, p, lang)
		}
	}
}

func axeCheck(t *testing.T, b *browser, axe []byte, p, lang string) {
	t.Helper()
	_ = js[bool](t, b, string(axe)+";true")
	found := value(t, b, chromedp.Evaluate[[]string](`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
		.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => v.impact + ' ' + v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`, chromedp.EvalAwaitPromise))
	if len(found) > 0 {
		t.Errorf("%s in %s: %s", p, lang, strings.Join(found, "; "))
	}
}
