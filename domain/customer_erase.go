package domain

import "github.com/google/uuid"

// Stored type names of an erasure. Never change one.
const (
	TypeCustomerErased       = "CustomerErased"
	TypeTicketCustomerErased = "TicketCustomerErased"
)

// CustomerErased records, on the customer record's stream, that its customer's personal
// data was erased (PIPL, GDPR): its data key is destroyed after it, so the sealed fields
// of every event about them open empty from then on. It holds no personal data.
type CustomerErased struct {
	CustomerID uuid.UUID `json:"customer_id"`
	By         string    `json:"by"`
}

func (CustomerErased) EventType() string { return TypeCustomerErased }

// TicketCustomerErased records, on each of the record's tickets, that the ticket's
// customer was erased: the read models, which fold ticket streams, forget the customer
// and what they wrote without a rebuild. RecordID names the erased record (an opaque id).
type TicketCustomerErased struct {
	RecordID string `json:"record_id"`
	By       string `json:"by"`
}

func (TicketCustomerErased) EventType() string { return TypeTicketCustomerErased }

// Erase records that the record's customer is erased; nothing when they are already. A
// record with no stream (made of tickets from before records existed) is erased too: its
// stream then starts with the erasure.
func (c *CustomerRecord) Erase(id uuid.UUID, by string) ([]Event, error) {
	var v validator
	v.check(id != uuid.Nil, "id", "is required")
	v.check(by != "", "by", "is required")
	if err := v.err(); err != nil {
		return nil, err
	}
	if c.s.Erased {
		return nil, nil
	}
	return []Event{CustomerErased{CustomerID: id, By: by}}, nil
}

// EraseCustomer records that the ticket's customer (of record recordID) is erased;
// nothing when the ticket does not exist or it is already.
func (t *Ticket) EraseCustomer(recordID uuid.UUID, by string) ([]Event, error) {
	if !t.Exists() || t.s.CustomerErased {
		return nil, nil
	}
	return []Event{TicketCustomerErased{RecordID: recordID.String(), By: by}}, nil
}

// erase applies CustomerErased. A record erased before it was registered (made of
// tickets from before records existed) exists from then on, on the standard tier.
func (s *CustomerRecordState) erase(e CustomerErased) {
	if s.ID == uuid.Nil {
		s.ID, s.Tier, s.ExternalIDs = e.CustomerID, TierStandard, []ExternalID{}
	}
	s.Name, s.Email, s.Phone, s.ExternalIDs, s.Erased = "", "", "", []ExternalID{}, true
}

// forget empties what a ticket's state holds of its customer and their words.
func (s *TicketState) forget() {
	s.Customer.ID, s.Customer.Name, s.Customer.Email, s.Customer.Phone = "", "", "", ""
	s.Subject, s.CustomerErased = "", true
}
