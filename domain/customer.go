package domain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Stored type names of the customer record's events. Never change one.
const (
	TypeCustomerRegistered       = "CustomerRegistered"
	TypeCustomerExternalIDLinked = "CustomerExternalIDLinked"
	TypeCustomerTierChanged      = "CustomerTierChanged"
)

// SourceAPI is the source of every external id today: the `customer.id` callers give in
// POST /tickets. Ids are kept per source so that a second system's ids (a CRM, a chat
// vendor) cannot collide with these later.
const SourceAPI = "api"

// ExternalID is an id a caller's system gives the customer, within its source.
type ExternalID struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// CustomerProfile is what a record says of its customer: registered by
// CustomerRegistered, kept (and changed by the record's later events) in
// CustomerRecordState. Its fields sit flat in both JSON forms. Name, Email and Phone are
// personal data (docs/AUDIT.md, "Erasure").
type CustomerProfile struct {
	ExternalIDs []ExternalID `json:"external_ids"`
	Name        string       `json:"name"`
	Email       string       `json:"email"`
	Phone       string       `json:"phone,omitempty"`
	Tier        Tier         `json:"tier"`
	Language    string       `json:"language,omitempty"`
}

// CustomerRegistered creates a customer record from the first ticket that names them.
type CustomerRegistered struct {
	CustomerID uuid.UUID `json:"customer_id"`
	CustomerProfile
}

// CustomerExternalIDLinked adds an external id to a record.
type CustomerExternalIDLinked struct {
	Source string `json:"source"`
	ID     string `json:"id"`
}

// CustomerTierChanged sets the record's tier; tickets received afterwards follow it.
type CustomerTierChanged struct {
	Tier     Tier `json:"tier"`
	Previous Tier `json:"previous"`
}

func (CustomerRegistered) EventType() string       { return TypeCustomerRegistered }
func (CustomerExternalIDLinked) EventType() string { return TypeCustomerExternalIDLinked }
func (CustomerTierChanged) EventType() string      { return TypeCustomerTierChanged }

// DecodeCustomerEvent turns a stored customer event back into its type.
func DecodeCustomerEvent(eventType string, data []byte) (Event, error) {
	var e Event
	switch eventType {
	case TypeCustomerRegistered:
		e = decodeInto[CustomerRegistered](data)
	case TypeCustomerExternalIDLinked:
		e = decodeInto[CustomerExternalIDLinked](data)
	case TypeCustomerTierChanged:
		e = decodeInto[CustomerTierChanged](data)
	case TypeCustomerErased:
		e = decodeInto[CustomerErased](data)
	case TypeCustomerContactAdded:
		e = decodeInto[CustomerContactAdded](data)
	default:
		return nil, fmt.Errorf("%w: unknown customer event type %q", ErrInvalid, eventType)
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, nil
}

// NormalizeEmail is the form emails are compared in: trimmed and lower-cased.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// customerNamespace keys the record ids derived from emails (uuid.NewSHA1).
var customerNamespace = uuid.MustParse("5c7d3a52-6a51-4c1e-9d0c-6b9a0c4e2f11")

// CustomerRecordID is the id of the record first made for an email: a UUIDv5 of the
// normalized email. A record made on receive gets it, and so do the tickets received
// before records existed when a rebuild groups them, so both land in one record.
func CustomerRecordID(email string) uuid.UUID {
	return uuid.NewSHA1(customerNamespace, []byte(NormalizeEmail(email)))
}

// CustomerRecordState is a customer record as its events leave it.
type CustomerRecordState struct {
	ID uuid.UUID `json:"id"`
	CustomerProfile
	Version int64 `json:"version"`
	// Erased: CustomerErased was recorded; the personal fields are gone.
	Erased bool `json:"erased,omitempty"`
}

// HasExternalID reports whether x is one of the record's external ids.
func (s CustomerRecordState) HasExternalID(x ExternalID) bool {
	return slices.Contains(s.ExternalIDs, x)
}

// CustomerRecord is the aggregate of one customer: who they are and their tier.
type CustomerRecord struct{ s CustomerRecordState }

// NewCustomerRecord returns a record before registration.
func NewCustomerRecord() *CustomerRecord { return &CustomerRecord{s: CustomerRecordState{Version: -1}} }

// RestoreCustomerRecord continues from a snapshot.
func RestoreCustomerRecord(s CustomerRecordState) *CustomerRecord {
	s.ExternalIDs = slices.Clone(s.ExternalIDs)
	return &CustomerRecord{s: s}
}

// State returns a copy of the record's state.
func (c *CustomerRecord) State() CustomerRecordState {
	s := c.s
	s.ExternalIDs = slices.Clone(c.s.ExternalIDs)
	return s
}

// Exists reports whether the record was registered.
func (c *CustomerRecord) Exists() bool { return c.s.Version >= 0 }

// Apply folds one event into the record.
func (c *CustomerRecord) Apply(e Event) {
	c.s.Version++
	switch e := e.(type) {
	case CustomerRegistered:
		c.s = CustomerRecordState{ID: e.CustomerID, CustomerProfile: e.CustomerProfile, Version: c.s.Version}
		c.s.ExternalIDs = slices.Clone(e.ExternalIDs)
	case CustomerExternalIDLinked:
		c.s.ExternalIDs = append(slices.Clone(c.s.ExternalIDs), ExternalID(e))
	case CustomerTierChanged:
		c.s.Tier = e.Tier
	case CustomerContactAdded:
		c.s.addContact(e)
	case CustomerErased:
		c.s.erase(e)
	}
}

// RegisterCustomer records a new customer from the customer a ticket names, with the
// external id when the ticket gave one.
func RegisterCustomer(id uuid.UUID, c Customer, ext *ExternalID) ([]Event, error) {
	var v validator
	v.check(id != uuid.Nil, "customer.record_id", "is required")
	v.check(textOK(c.Name, 1, maxShortText), "customer.name", "is required, at most 200 characters")
	checkContact(&v, c, ext != nil && ext.ID != "", false)
	v.check(c.Tier.Valid(), "customer.tier", "is required for a new customer: one of vip, core, standard")
	v.check(languageOK(c.Language), "customer.language", "must be zh or en")
	if err := v.err(); err != nil {
		return nil, err
	}
	ids := []ExternalID{}
	if ext != nil {
		ids = append(ids, *ext)
	}
	return []Event{CustomerRegistered{CustomerID: id, CustomerProfile: CustomerProfile{ExternalIDs: ids, Name: c.Name,
		Email: c.Email, Phone: c.Phone, Tier: c.Tier, Language: c.Language}}}, nil
}

// LinkExternalID adds x to the record; no event when it is there already.
func (c *CustomerRecord) LinkExternalID(x ExternalID) ([]Event, error) {
	if !c.Exists() {
		return nil, ErrNotFound
	}
	var v validator
	v.check(x.Source != "" && textOK(x.ID, 1, maxShortText), "customer.id", "is 1 to 200 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if c.s.HasExternalID(x) || c.s.Erased {
		return nil, nil // an erased record links no new id: it would hold personal data again
	}
	return []Event{CustomerExternalIDLinked(x)}, nil
}

// ChangeTier sets the record's tier; no event when it is the tier already.
func (c *CustomerRecord) ChangeTier(t Tier) ([]Event, error) {
	var v validator
	v.check(t.Valid(), "tier", "must be one of vip, core, standard")
	if err := v.err(); err != nil {
		return nil, err
	}
	if !c.Exists() {
		return nil, ErrNotFound
	}
	if c.s.Tier == t {
		return nil, nil
	}
	return []Event{CustomerTierChanged{Tier: t, Previous: c.s.Tier}}, nil
}

// phoneOK accepts an empty phone or up to 50 digits, spaces and + - ( ).
func phoneOK(s string) bool {
	if len(s) > 50 {
		return false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789 +-()", r) {
			return false
		}
	}
	return true
}
