package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// BenchmarkTicketPage is the help center's ticket page on fake ports: the handler's own
// cost (look-up, rendering, headers), which ticketbench's pages scenario measures end to end.
func BenchmarkTicketPage(b *testing.B) {
	for _, lang := range []string{"en", "zh"} {
		b.Run(lang, func(b *testing.B) {
			h := newPagesB(b, &fakeCustomers{}, domain.StatusResolved)
			r := httptest.NewRequest(http.MethodGet, "/help/tickets/TK-1?code=GOOD", nil)
			r.Header.Set("Accept-Language", lang)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// BenchmarkQueuePage is the desk's team queue of 100 tickets on fake ports, for a
// signed-in agent: the handler's own cost, first without and then with the poll's
// If-None-Match of an unchanged queue.
func BenchmarkQueuePage(b *testing.B) {
	d := newAgentDeskWith(b, web.Options{})
	for i := range 100 {
		d.fake.queue = append(d.fake.queue, query.TicketView{ID: uuid.New(), Number: fmt.Sprintf("TK-%03d", i),
			Subject: "退款 please", Status: domain.StatusAssigned, Priority: domain.P2, Team: "billing"})
	}
	_, c := d.signIn(b, "li@example.com", "right password")
	tag := d.get(c, "/desk/team").Header().Get("ETag")
	for _, poll := range []bool{false, true} {
		b.Run(map[bool]string{false: "page", true: "unchanged-poll"}[poll], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var w *httptest.ResponseRecorder
				if poll {
					w = d.getWith(c, "/desk/team", "If-None-Match", tag)
				} else {
					w = d.get(c, "/desk/team")
				}
				if w.Code != http.StatusOK && w.Code != http.StatusNotModified {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
