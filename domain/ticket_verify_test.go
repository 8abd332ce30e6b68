package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// An unverified self-service ticket runs on the standard tier; verifying it joins the
// record, takes the record's tier and moves the due times to that tier's targets,
// counted from receipt. A second verification records nothing.
func TestVerifyCustomerTakesTheRecordsTierAndItsDueTimes(t *testing.T) {
	f := &fixture{tk: domain.NewTicket(), now: t0, policy: domain.DefaultSLAPolicy()}
	c := receiveCmd(domain.TierStandard)
	c.Customer.ID, c.Unverified = "", true
	received, err := domain.Receive(c, uuid.New(), "TK-7F3K9Q", "hash", f.now, f.policy)
	f.must(t, "receive", received, err)
	if s := f.state(); !s.Unverified || s.SLA.FirstResponseDue != t0.Add(24*time.Hour) {
		t.Fatalf("received: unverified %v, first response due %v", s.Unverified, s.SLA.FirstResponseDue)
	}
	f.advance(10 * time.Minute)
	ev, err := f.tk.VerifyCustomer("rec-1", domain.TierVIP, f.policy)
	f.must(t, "verify", ev, err)
	s := f.state()
	if s.Unverified || s.Customer.RecordID != "rec-1" || s.Customer.Tier != domain.TierVIP ||
		s.SLA.FirstResponseDue != t0.Add(30*time.Minute) || s.SLA.ResolutionDue != t0.Add(8*time.Hour) {
		t.Fatalf("verified: %+v %+v", s.Customer, s.SLA)
	}
	if again, err := f.tk.VerifyCustomer("rec-1", domain.TierVIP, f.policy); err != nil || len(again) != 0 {
		t.Fatalf("second verification: %v %v", again, err)
	}
	if _, err := f.tk.VerifyCustomer("", "gold", f.policy); err == nil {
		t.Fatal("an empty record id and an unknown tier are accepted")
	}
	// The event survives its stored form.
	raw := mustJSON(t, ev[0])
	back, err := domain.DecodeTicketEvent(domain.TypeTicketCustomerVerified, raw)
	if err != nil || back != ev[0] {
		t.Fatalf("decoded %#v, %v; want %#v", back, err, ev[0])
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
