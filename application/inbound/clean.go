package inbound

import (
	"context"
	"log/slog"
	"strings"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/text"
)

// clean repairs the message's text by the lenient rule (domain/text.Clean: what comes in
// unbidden is cleaned, never refused whole) and fills what a ticket needs and the sender
// may not have given: a subject, a body, a name. What was changed is logged with the
// message's id.
func (m *Message) clean(ctx context.Context) {
	var changes []string
	field := func(name string, s *string, max int) {
		var c []string
		*s, c = text.Clean(*s, max)
		for _, x := range c {
			changes = append(changes, name+": "+x)
		}
	}
	field("subject", &m.Subject, text.MaxSubject)
	field("body", &m.Body, text.MaxBody)
	field("customer.name", &m.Customer.Name, text.MaxShort)
	field("customer.id", &m.Customer.ID, text.MaxShort)
	m.Subject = strings.Join(strings.Fields(m.Subject), " ") // a subject is one line
	if m.Subject == "" {
		m.Subject = "(no subject)"
	}
	if strings.TrimSpace(m.Body) == "" {
		m.Body = "(no text)"
	}
	m.Customer.Email = strings.TrimSpace(m.Customer.Email)
	m.Customer.Phone = strings.TrimSpace(m.Customer.Phone)
	if strings.TrimSpace(m.Customer.Name) == "" {
		m.Customer.Name = unnamed(m.Customer)
	}
	for i := range m.Files {
		m.Files[i].Name, _ = text.Clean(m.Files[i].Name, text.MaxShort)
	}
	if len(changes) > 0 {
		slog.InfoContext(ctx, "inbound: message cleaned", "source", m.Source, "message_id", m.ID, "changes", changes)
	}
}

// unnamed is the name of a sender who gave none: the email's local part, else the phone
// number, else the channel's id for them (a WeChat openid); all sealed like a name.
func unnamed(c domain.Customer) string {
	local, _, _ := strings.Cut(c.Email, "@")
	for _, s := range []string{local, c.Phone, c.ID} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
