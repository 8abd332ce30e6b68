package auth

import "github.com/google/uuid"

// TypeTicketNumberReserved is the single event of a ticketnumber-<N> stream: appending it
// with NoStream is what makes a number unique, on every event store.
const TypeTicketNumberReserved = "TicketNumberReserved"

// NumberReservation is the data of TicketNumberReserved.
type NumberReservation struct {
	TicketID uuid.UUID `json:"ticket_id"`
}
