package domain

import "slices"

// TypeAutoMessageReceived is the stored type name of AutoMessageReceived. Never change it.
const TypeAutoMessageReceived = "AutoMessageReceived"

// Kinds of automatic message.
const (
	// AutoReply is an answer a machine sent for the customer (an out-of-office notice).
	AutoReply = "auto"
	// AutoBounce is a delivery failure report about a mail we sent to the customer.
	AutoBounce = "bounce"
)

// AutoMessageReceived records an automatic message that came in on a ticket: an
// auto-reply or a bounce. It is kept so that staff see it (as a message of kind "auto"),
// and it changes nothing else: no status, no SLA clock, no notification, so two
// auto-responders cannot keep a ticket busy answering each other.
type AutoMessageReceived struct {
	Kind        string       `json:"kind"`
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

func (AutoMessageReceived) EventType() string { return TypeAutoMessageReceived }

// RecordAutoMessage records an automatic message of the given kind, in any status of an
// existing ticket (a bounce may come after the ticket was closed).
func (t *Ticket) RecordAutoMessage(kind, body string, atts ...Attachment) ([]Event, error) {
	var v validator
	v.check(slices.Contains([]string{AutoReply, AutoBounce}, kind), "kind", "must be auto or bounce")
	v.check(textOK(body, 0, maxBody), "body", "is at most 100000 characters")
	v.check(attachmentsOK(atts), "attachments", "are at most 20, each named once")
	if err := v.err(); err != nil {
		return nil, err
	}
	if !t.Exists() {
		return nil, ErrNotFound
	}
	return []Event{AutoMessageReceived{Kind: kind, Body: body, Attachments: cloneAttachments(atts)}}, nil
}
