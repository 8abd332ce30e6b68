package domain_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

func TestCustomerRecordLifecycle(t *testing.T) {
	if domain.CustomerRecordID(" Li@Example.COM ") != domain.CustomerRecordID("li@example.com") ||
		domain.CustomerRecordID("li@example.com") == domain.CustomerRecordID("wang@example.com") {
		t.Fatal("record ids are not derived from the normalized email")
	}
	id := uuid.New()
	ext := &domain.ExternalID{Source: domain.SourceAPI, ID: "C-1"}
	_, err := domain.RegisterCustomer(id, domain.Customer{Name: "Li", Email: "li@example.com", Phone: "call me"}, ext)
	var ve *domain.ValidationError
	if !errors.As(err, &ve) || len(ve.Fields) != 2 { // no tier, a phone of letters
		t.Fatalf("invalid registration: %v", err)
	}
	events, err := domain.RegisterCustomer(id, domain.Customer{Name: "Li", Email: "li@example.com", Phone: "+86 (10) 1234-5678", Tier: domain.TierCore}, ext)
	if err != nil {
		t.Fatal(err)
	}
	r := domain.NewCustomerRecord()
	if _, err := r.ChangeTier(domain.TierVIP); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("tier of no record: %v", err)
	}
	for _, e := range events {
		r.Apply(roundTrip(t, e))
	}
	if none, err := r.LinkExternalID(*ext); err != nil || len(none) != 0 {
		t.Fatalf("linking a linked id: %v %v", none, err)
	}
	linked, err := r.LinkExternalID(domain.ExternalID{Source: domain.SourceAPI, ID: "C-2"})
	if err != nil || len(linked) != 1 {
		t.Fatalf("link: %v %v", linked, err)
	}
	r.Apply(roundTrip(t, linked[0]))
	if none, _ := r.ChangeTier(domain.TierCore); len(none) != 0 {
		t.Fatal("changing to the same tier made an event")
	}
	changed, err := r.ChangeTier(domain.TierVIP)
	if err != nil || changed[0] != (domain.CustomerTierChanged{Tier: domain.TierVIP, Previous: domain.TierCore}) {
		t.Fatalf("change: %v %v", changed, err)
	}
	r.Apply(roundTrip(t, changed[0]))
	s := r.State()
	if s.ID != id || s.Tier != domain.TierVIP || len(s.ExternalIDs) != 2 || s.Version != 2 || s.Phone != "+86 (10) 1234-5678" {
		t.Fatalf("state %+v", s)
	}
	s.ExternalIDs[0].ID = "changed"
	if r.State().ExternalIDs[0].ID != "C-1" {
		t.Fatal("State shares its external ids with the aggregate")
	}
	if _, err := r.ChangeTier("gold"); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("bad tier: %v", err)
	}
	if _, err := domain.DecodeCustomerEvent("CustomerDeleted", nil); !errors.Is(err, domain.ErrInvalid) {
		t.Fatalf("unknown type: %v", err)
	}
}

func roundTrip(t *testing.T, e domain.Event) domain.Event {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	out, err := domain.DecodeCustomerEvent(e.EventType(), b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
