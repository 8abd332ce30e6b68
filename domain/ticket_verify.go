package domain

// TicketCustomerVerified records that the customer of a self-service ticket confirmed
// the address: the ticket now belongs to the customer record of that email, takes the
// record's tier, and its SLA due times follow the new tier.
type TicketCustomerVerified struct {
	RecordID string `json:"record_id"`
	Tier     Tier   `json:"tier"`
	SLA      SLADue `json:"sla"`
}

func (TicketCustomerVerified) EventType() string { return TypeTicketCustomerVerified }

// VerifyCustomer joins an unverified ticket to the customer record recordID on the
// record's tier, recomputing the due times of its clocks for that tier (at the ticket's
// priority, from when its clocks started, waits excluded). A verified ticket records
// nothing: confirming twice is no change.
func (t *Ticket) VerifyCustomer(recordID string, tier Tier, p SLAPolicy) ([]Event, error) {
	var v validator
	v.check(recordID != "", "record_id", "is required")
	v.check(tier.Valid(), "tier", "must be one of vip, core, standard")
	if err := v.err(); err != nil {
		return nil, err
	}
	if !t.s.Unverified {
		return nil, nil
	}
	s := t.s
	s.Customer.Tier = tier
	return []Event{TicketCustomerVerified{RecordID: recordID, Tier: tier, SLA: s.dueFor(p, s.Priority)}}, nil
}
