package domain_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
)

// TestReplyAttachments: a reply carries its attachments into its event; more than 20, or
// one named twice, is refused naming attachments.
func TestReplyAttachments(t *testing.T) {
	f := newFixture(t, domain.TierCore)
	a := domain.Attachment{ID: "a1", Filename: "发票.pdf", ContentType: "application/pdf", Size: 3, SHA256: strings.Repeat("0f", 32)}
	events, err := f.tk.Reply("见附件", true, a)
	if err != nil {
		t.Fatal(err)
	}
	if got := events[0].(domain.TicketReplied).Attachments; len(got) != 1 || got[0] != a {
		t.Fatalf("attachments %v", got)
	}
	many := make([]domain.Attachment, 21)
	for i := range many {
		many[i] = a
		many[i].ID = "a" + strconv.Itoa(i)
	}
	for name, atts := range map[string][]domain.Attachment{"21": many, "twice": {a, a}} {
		if _, err := f.tk.Reply("x", true, atts...); err == nil || !strings.Contains(err.Error(), "attachments") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
