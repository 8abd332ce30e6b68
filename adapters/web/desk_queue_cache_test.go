package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// versionedDesk is the fake desk telling the queues' version (web.QueueVersions), as
// CommandDesk does, counting its queue reads, with a second agent of the same team.
type versionedDesk struct {
	*fakeDesk
	version atomic.Uint64
	reads   atomic.Int64
	mu      sync.Mutex // guards the fake's queue against the tests' changes
}

var wangID = uuid.MustParse("00000000-0000-0000-0000-0000000000a3")

var wang = web.DeskUser{ID: wangID, Name: "Wang Fang", Email: "wang@example.com", Role: "agent", Team: "billing"}

func (v *versionedDesk) QueueVersion(context.Context) (uint64, error) { return v.version.Load(), nil }

func (v *versionedDesk) Queue(ctx context.Context, f projections.QueueFilter, limit int, cursor string) ([]query.TicketView, string, error) {
	v.reads.Add(1)
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.fakeDesk.Queue(ctx, f, limit, cursor)
}

func (v *versionedDesk) SignIn(ctx context.Context, email, password string) (web.DeskUser, error) {
	if email == wang.Email && password == "right password" {
		return wang, nil
	}
	return v.fakeDesk.SignIn(ctx, email, password)
}

func (v *versionedDesk) Account(ctx context.Context, id uuid.UUID) (web.DeskUser, error) {
	if id == wangID {
		return wang, nil
	}
	return v.fakeDesk.Account(ctx, id)
}

// setSubject changes a ticket of the queue, as a command would (the version is the
// test's to move, or not). It writes a new slice, as a read model answers each read with
// rows of its own: the fake's Queue hands out the slice itself, which a page being
// rendered may still be reading.
func (v *versionedDesk) setSubject(i int, subject string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.queue = slices.Clone(v.queue)
	v.queue[i].Subject = subject
}

// cachingDesk is the pages on a versioned desk of 150 tickets, with a clock the test moves.
type cachingDesk struct {
	desk
	v   *versionedDesk
	s   *web.Server
	now *time.Time
}

func newCachingDesk(t testing.TB) cachingDesk {
	t.Helper()
	v := &versionedDesk{fakeDesk: &fakeDesk{deactivated: map[uuid.UUID]bool{}}}
	for i := range 150 {
		v.queue = append(v.queue, query.TicketView{ID: uuid.New(), Number: fmt.Sprintf("TK-%03d", i),
			Subject: "退款 please", Status: domain.StatusAssigned, Priority: domain.P2, Team: "billing"})
	}
	s, err := web.New(web.Options{Customers: &fakeCustomers{}, Tickets: fakeTickets{domain.StatusAssigned}, Desk: v,
		SessionStore: auth.NewMemorySessions()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	web.SetQueueClock(s, func() time.Time { return now })
	return cachingDesk{desk: desk{h: s, fake: v.fakeDesk}, v: v, s: s, now: &now}
}

// TestAQueuePageIsKeptWhileItsVersionStands: a second request for the same queue at the
// same version reads nothing and renders nothing, and gets the same bytes and ETag; a
// change that moves the version shows on the very next request; a change no version
// announces (the time: a breach, a due time) shows once the kept rows are half a second
// old; a new version with the same rows reads them again but renders nothing.
func TestAQueuePageIsKeptWhileItsVersionStands(t *testing.T) {
	d := newCachingDesk(t)
	_, c := d.signIn(t, "li@example.com", "right password")
	first := d.get(c, "/desk/team")
	reads, renders := d.v.reads.Load(), web.Renders(d.s)
	if first.Code != http.StatusOK || reads != 1 || renders != 1 {
		t.Fatalf("first page: %d, %d reads, %d renders", first.Code, reads, renders)
	}
	again := d.get(c, "/desk/team")
	if again.Code != http.StatusOK || again.Body.String() != first.Body.String() || again.Header().Get("ETag") != first.Header().Get("ETag") {
		t.Fatalf("the same queue at the same version: %d, same body %v, ETag %q (was %q)", again.Code,
			again.Body.String() == first.Body.String(), again.Header().Get("ETag"), first.Header().Get("ETag"))
	}
	if again.Header().Get("Content-Type") != "text/html; charset=utf-8" || again.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("a kept page's headers: %v", again.Header())
	}
	if d.v.reads.Load() != 1 || web.Renders(d.s) != 1 {
		t.Fatalf("a kept page read the queue %d times and rendered %d pages", d.v.reads.Load(), web.Renders(d.s))
	}

	d.v.setSubject(3, "changed by a command")
	d.v.version.Add(1)
	if w := d.get(c, "/desk/team"); !strings.Contains(w.Body.String(), "changed by a command") || w.Header().Get("ETag") == first.Header().Get("ETag") {
		t.Fatal("a change with a new version does not show on the next request")
	}

	d.v.setSubject(4, "changed with the time")
	if w := d.get(c, "/desk/team"); strings.Contains(w.Body.String(), "changed with the time") {
		t.Fatal("the kept rows were read again at the same version and moment: nothing is kept")
	}
	*d.now = d.now.Add(499 * time.Millisecond)
	if w := d.get(c, "/desk/team"); strings.Contains(w.Body.String(), "changed with the time") {
		t.Fatal("kept rows younger than half a second were read again")
	}
	*d.now = d.now.Add(2 * time.Millisecond)
	if w := d.get(c, "/desk/team"); !strings.Contains(w.Body.String(), "changed with the time") {
		t.Fatal("a change without a new version does not show once the kept rows are half a second old")
	}

	reads, renders = d.v.reads.Load(), web.Renders(d.s)
	d.v.version.Add(1)
	w := d.get(c, "/desk/team")
	if w.Code != http.StatusOK || d.v.reads.Load() != reads+1 || web.Renders(d.s) != renders {
		t.Fatalf("a new version of the same rows: %d, %d reads, %d renders (want one read, no render)", w.Code,
			d.v.reads.Load()-reads, web.Renders(d.s)-renders)
	}
	if poll := d.getWith(c, "/desk/team", "If-None-Match", w.Header().Get("ETag")); poll.Code != http.StatusNotModified || poll.Body.Len() != 0 {
		t.Fatalf("a poll of the kept page: %d, %d bytes", poll.Code, poll.Body.Len())
	}
}

// TestKeptQueuePagesAreEachUsersOwn: two agents of one team, and one of them in two
// languages, share the queue's rows but never a page: each sees their own name and
// language, their ETags differ, and one's tag is no 304 for the other.
func TestKeptQueuePagesAreEachUsersOwn(t *testing.T) {
	d := newCachingDesk(t)
	_, li := d.signIn(t, "li@example.com", "right password")
	_, wc := d.signIn(t, "wang@example.com", "right password")
	for range 2 { // the second round is served from what the first kept
		a, b := d.get(li, "/desk/team"), d.get(wc, "/desk/team")
		zh := d.getWith(li, "/desk/team", "Accept-Language", "zh-CN")
		if a.Code != http.StatusOK || b.Code != http.StatusOK || zh.Code != http.StatusOK {
			t.Fatalf("%d %d %d", a.Code, b.Code, zh.Code)
		}
		if !strings.Contains(a.Body.String(), `<p class="who">李伟</p>`) || strings.Contains(a.Body.String(), "Wang Fang") {
			t.Fatal("李伟's page does not name 李伟 alone")
		}
		if !strings.Contains(b.Body.String(), `<p class="who">Wang Fang</p>`) || strings.Contains(b.Body.String(), "李伟") {
			t.Fatal("Wang Fang's page does not name Wang Fang alone")
		}
		if !strings.Contains(zh.Body.String(), `lang="zh-CN"`) || strings.Contains(a.Body.String(), `<html lang="zh-CN"`) {
			t.Fatal("the languages' pages are mixed up")
		}
		tags := map[string]bool{a.Header().Get("ETag"): true, b.Header().Get("ETag"): true, zh.Header().Get("ETag"): true}
		if len(tags) != 3 {
			t.Fatalf("two users and two languages share ETags: %v", tags)
		}
		if poll := d.getWith(wc, "/desk/team", "If-None-Match", a.Header().Get("ETag")); poll.Code != http.StatusOK ||
			!strings.Contains(poll.Body.String(), "Wang Fang") {
			t.Fatalf("李伟's tag sent by Wang Fang: %d", poll.Code)
		}
	}
	if d.v.reads.Load() != 2 || web.Renders(d.s) != 3 {
		t.Fatalf("%d reads (en, zh) and %d renders (three pages), want 2 and 3", d.v.reads.Load(), web.Renders(d.s))
	}
}

// BenchmarkQueuePageKept is BenchmarkQueuePage on a desk that tells the queues' version
// (as ticketd's does), the clock standing still: the page and the poll of a queue that
// has not changed since it was kept, and a page whose rows are read again each time
// (a new version every time, the same rows: read and digested, not rendered).
func BenchmarkQueuePageKept(b *testing.B) {
	d := newCachingDesk(b)
	d.v.queue = d.v.queue[:100]
	_, c := d.signIn(b, "li@example.com", "right password")
	tag := d.get(c, "/desk/team").Header().Get("ETag")
	for _, kind := range []string{"page", "unchanged-poll", "page-new-version"} {
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var w *httptest.ResponseRecorder
				switch kind {
				case "unchanged-poll":
					w = d.getWith(c, "/desk/team", "If-None-Match", tag)
				case "page-new-version":
					d.v.version.Add(1)
					fallthrough
				default:
					w = d.get(c, "/desk/team")
				}
				if w.Code != http.StatusOK && w.Code != http.StatusNotModified {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// TestKeptPagesGoWhenTheirRowsChange: the bytes of kept pages are counted against one
// budget, and a queue whose rows changed lets go of the pages rendered from the old
// ones (a new version with the same rows keeps them).
func TestKeptPagesGoWhenTheirRowsChange(t *testing.T) {
	d := newCachingDesk(t)
	_, c := d.signIn(t, "li@example.com", "right password")
	page := int64(d.get(c, "/desk/team").Body.Len())
	if got := web.KeptPageBytes(d.s); got != page {
		t.Fatalf("one page of %d bytes kept, the budget counts %d", page, got)
	}
	d.v.version.Add(1)
	d.get(c, "/desk/team")
	if got := web.KeptPageBytes(d.s); got != page {
		t.Fatalf("a new version of the same rows: the budget counts %d, want %d", got, page)
	}
	d.v.setSubject(0, "changed")
	d.v.version.Add(1)
	page = int64(d.get(c, "/desk/team").Body.Len())
	if got := web.KeptPageBytes(d.s); got != page {
		t.Fatalf("after the rows changed the budget counts %d, want the new page's %d alone", got, page)
	}
}

// TestKeptQueuePagesUnderConcurrentChanges: two agents' requests at once, while the
// queue changes and its version moves: every answer is whole and its user's own, and
// after the last change each sees it (run with -race).
func TestKeptQueuePagesUnderConcurrentChanges(t *testing.T) {
	d := newCachingDesk(t)
	_, li := d.signIn(t, "li@example.com", "right password")
	_, wc := d.signIn(t, "wang@example.com", "right password")
	var wg sync.WaitGroup
	for g := range 8 {
		c, name, other := li, "李伟", "Wang Fang"
		if g%2 == 1 {
			c, name, other = wc, "Wang Fang", "李伟"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 40 {
				w := d.get(c, "/desk/team")
				body := w.Body.String()
				if w.Code != http.StatusOK || !strings.Contains(body, name) || strings.Contains(body, other) || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
					t.Errorf("%s got %d, a page not theirs or not whole", name, w.Code)
					return
				}
			}
		}()
	}
	for i := range 20 {
		d.v.setSubject(i, fmt.Sprintf("change %d", i))
		d.v.version.Add(1)
	}
	wg.Wait()
	for _, c := range []*http.Cookie{li, wc} {
		if body := d.get(c, "/desk/team").Body.String(); !strings.Contains(body, "change 19") {
			t.Fatal("the last change does not show after the version moved")
		}
	}
}
