package command

import "github.com/google/uuid"

// ReceivedTicketID is the id ReceiveTicket gives the ticket it opens for actor under
// idempotencyKey: known before the ticket exists, so a caller can name it first (the
// inbound intake claims a conversation for it before opening it).
func ReceivedTicketID(actor, idempotencyKey string) uuid.UUID {
	return derivedID("ticket", actor, idempotencyKey)
}
