package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

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
