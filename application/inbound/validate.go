package inbound

import (
	"github.com/ticketengine/ticketengine/domain"
)

// validate checks what Take needs of a message besides what its command checks.
func (m Message) validate() error {
	var fields []domain.FieldError
	check := func(ok bool, field, message string) {
		if !ok {
			fields = append(fields, domain.FieldError{Field: field, Message: message})
		}
	}
	check(m.ID != "" && len(m.ID) <= 1000, "message_id", "is required, at most 1000 bytes")
	check(m.Source != "", "source", "is required")
	check(m.Channel.Valid(), "channel", "must be one of email, web, chat, phone, api")
	check(m.Kind == KindMessage || m.Kind == KindAuto || m.Kind == KindBounce, "kind", "must be empty, auto or bounce")
	check(len(m.Thread.Conversation) <= 1000, "conversation_id", "is at most 1000 bytes")
	if len(fields) > 0 {
		return &domain.ValidationError{Fields: fields}
	}
	return nil
}

// validateSender checks who a person's message names, after cleaning and before anything
// is reserved: at least one of the channel's id for them, an email and a phone (a chat or
// phone customer may have no email: docs/CHANNELS.md), the phone a number, an email an
// address. A mail (Scope set) is not checked here: its sender is its From address, which
// the mailbox refuses mail without; an automatic message's sender is not a customer.
func (m Message) validateSender() error {
	if m.Kind != KindMessage || m.Scope != "" {
		return nil
	}
	return domain.CheckCustomerContact(m.Customer, false)
}
