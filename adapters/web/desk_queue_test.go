package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// pageOf pages views as the read side does: the cursor is the offset, opaque to the page.
func pageOf(views []query.TicketView, limit int, cursor string) ([]query.TicketView, string, error) {
	from := 0
	if cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(cursor, "at-"))
		if err != nil {
			return nil, "", domain.ErrInvalid
		}
		from = n
	}
	to := min(len(views), from+limit)
	next := ""
	if to < len(views) {
		next = "at-" + strconv.Itoa(to)
	}
	return views[min(from, to):to], next, nil
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next"`)

// TestQueuePagesFollowTheCursor: a queue of 250 tickets shows 100 a page, with a plain
// link (no JavaScript needed) to the next page carrying the read side's cursor, and on
// later pages a link back to the first; the last page has no next link; every ticket is
// shown once, in order.
func TestQueuePagesFollowTheCursor(t *testing.T) {
	d := newAgentDesk(t, nil)
	for i := range 250 {
		d.fake.queue = append(d.fake.queue, query.TicketView{ID: uuid.New(), Number: fmt.Sprintf("TK-%03d", i),
			Subject: "<i>q</i>", Status: domain.StatusAssigned})
	}
	_, c := d.signIn(t, "li@example.com", "right password")
	seen, pages := 0, 0
	for target := "/desk/queue"; target != ""; pages++ {
		w := d.get(c, target)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d", target, w.Code)
		}
		for _, m := range regexp.MustCompile(`data-field="number" data-value="(TK-\d+)"`).FindAllStringSubmatch(body, -1) {
			if want := fmt.Sprintf("TK-%03d", seen); m[1] != want {
				t.Fatalf("page %d shows %s where %s belongs", pages, m[1], want)
			}
			seen++
		}
		if strings.Contains(body, "<i>q</i>") {
			t.Fatal("a subject is not escaped")
		}
		if first := strings.Contains(body, `rel="first"`); first != (pages > 0) {
			t.Errorf("page %d: link to the first page %v", pages, first)
		}
		target = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			target = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if seen != 250 || pages != 3 {
		t.Fatalf("%d tickets on %d pages, want 250 on 3", seen, pages)
	}
}

// TestAnUnchangedQueuePollCostsNoRendering: the queue page carries an ETag and makes its
// poll conditional on it; a poll of an unchanged queue is a 304 with no body and renders
// nothing; once a ticket changes, the same poll gets the new page and a new tag.
func TestAnUnchangedQueuePollCostsNoRendering(t *testing.T) {
	d := newAgentDesk(t, nil)
	for i := range 150 {
		d.fake.queue = append(d.fake.queue, query.TicketView{ID: uuid.New(), Number: fmt.Sprintf("TK-%03d", i), Status: domain.StatusAssigned})
	}
	_, c := d.signIn(t, "li@example.com", "right password")
	s := d.h.(*web.Server)
	w := d.get(c, "/desk/team")
	tag := w.Header().Get("ETag")
	if w.Code != http.StatusOK || tag == "" || !strings.Contains(w.Body.String(), `hx-headers="{&#34;If-None-Match&#34;:&#34;\&#34;`+strings.Trim(tag, `"`)+`\&#34;&#34;}"`) {
		t.Fatalf("%d, ETag %q, the poll does not send it:\n%s", w.Code, tag, w.Body.String())
	}
	rendered := web.Renders(s)
	for range 3 {
		poll := d.getWith(c, "/desk/team", "If-None-Match", tag, "HX-Request", "true")
		if poll.Code != http.StatusNotModified || poll.Body.Len() != 0 || poll.Header().Get("ETag") != tag {
			t.Fatalf("poll of an unchanged queue: %d, %d bytes, ETag %q", poll.Code, poll.Body.Len(), poll.Header().Get("ETag"))
		}
	}
	if n := web.Renders(s) - rendered; n != 0 {
		t.Fatalf("three polls of an unchanged queue rendered %d pages", n)
	}
	d.fake.queue[42].Status = domain.StatusEscalated
	poll := d.getWith(c, "/desk/team", "If-None-Match", tag, "HX-Request", "true")
	if poll.Code != http.StatusOK || poll.Header().Get("ETag") == tag || web.Renders(s)-rendered != 1 {
		t.Fatalf("poll after a change: %d, ETag %q (was %q)", poll.Code, poll.Header().Get("ETag"), tag)
	}
	if other := d.getWith(c, "/desk/team?cursor=at-100", "If-None-Match", tag); other.Code != http.StatusOK {
		t.Fatalf("another page with this page's tag: %d", other.Code)
	}
}
