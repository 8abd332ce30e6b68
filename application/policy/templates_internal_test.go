package policy

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
)

// The receipt mail of an unverified ticket links to the confirmation, in the customer's
// language; a verified ticket's mail keeps the plain portal link.
func TestReceiptMailOfAnUnverifiedTicketLinksToTheConfirmation(t *testing.T) {
	link := confirmLink(portalLink("https://help.example.com/portal/", "TK-7F3K9Q", "CODE"), "TOKEN")
	if link != "https://help.example.com/portal/tickets/TK-7F3K9Q/confirm?code=CODE&token=TOKEN" {
		t.Fatalf("confirmation link %s", link)
	}
	s := domain.TicketState{Number: "TK-7F3K9Q", Subject: "发票", Status: domain.StatusReceived, Unverified: true,
		Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Language: "zh"}}
	m, ok := customerMail(s, domain.TypeTicketReceived, "", link)
	if !ok || !strings.Contains(m.Body, "确认您的邮箱地址") || !strings.Contains(m.Body, link) {
		t.Fatalf("unverified receipt: %v %s", ok, m.Body)
	}
	s.Unverified = false
	if m, _ := customerMail(s, domain.TypeTicketReceived, "", "https://p/tickets/TK-7F3K9Q?code=CODE"); strings.Contains(m.Body, "确认") {
		t.Fatalf("a verified ticket's receipt asks for a confirmation: %s", m.Body)
	}
}
