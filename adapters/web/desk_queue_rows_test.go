package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// TestQueueRowsAreRenderedOncePerChange: a queue's rows come out as the row template
// renders them (escaped); shown again unchanged they are not rendered again (the second
// page is served with no templates at all); a changed ticket's row is rendered anew, in
// each language on its own.
func TestQueueRowsAreRenderedOncePerChange(t *testing.T) {
	s := &Server{}
	var err error
	if s.cats, err = loadCatalogues(); err != nil {
		t.Fatal(err)
	}
	if s.pages, err = parsePages(s.cats); err != nil {
		t.Fatal(err)
	}
	rows := []deskRow{
		{ID: uuid.New(), Number: "TK-1", Subject: `<script>alert(1)</script>`, Status: "assigned", Priority: "P1", Due: "2026-12-02 12:00 UTC"},
		{ID: uuid.New(), Number: "TK-2", Subject: "退款", Status: "waiting", Breached: true},
	}
	first, err := s.renderRows(rows, "en")
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	for _, r := range rows {
		if err := s.pages["en"]["desk_queue"].ExecuteTemplate(&want, "queue_row", queueRow{r, s.cats["en"]}); err != nil {
			t.Fatal(err)
		}
	}
	if string(first) != want.String() || strings.Contains(string(first), "<script>") || !strings.Contains(string(first), "overdue") {
		t.Fatalf("rows:\n%s\nwant:\n%s", first, want.String())
	}
	pages := s.pages
	s.pages = nil // a row rendered again would fail now
	again, err := s.renderRows(rows, "en")
	if err != nil || again != first || s.rowCache.cached() != 2 {
		t.Fatalf("unchanged rows: %v, same %v, %d cached", err, again == first, s.rowCache.cached())
	}
	s.pages = pages
	rows[1].Status = "assigned" // the ticket changed
	changed, err := s.renderRows(rows, "en")
	if err != nil || changed == first || !strings.Contains(string(changed), `data-value="assigned">Assigned`) || s.rowCache.cached() != 3 {
		t.Fatalf("a changed row: %v, %d cached:\n%s", err, s.rowCache.cached(), changed)
	}
	zh, err := s.renderRows(rows, "zh")
	if err != nil || !strings.Contains(string(zh), "已超时") || s.rowCache.cached() != 5 {
		t.Fatalf("in Chinese: %v, %d cached:\n%s", err, s.rowCache.cached(), zh)
	}
}
