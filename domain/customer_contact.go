package domain

import (
	"strings"
	"unicode"

	"github.com/google/uuid"
)

// Customers without an email (docs/CHANNELS.md, "Customers without an email"): a chat
// user known by the chat system's id (a WeChat openid), a caller known by their number.
// Their record is found by external id, else by email, else by phone; its id is derived
// from what identifies them, so two nodes and a replay make the same record.

// TypeCustomerContactAdded is the stored type of CustomerContactAdded. Never change it.
const TypeCustomerContactAdded = "CustomerContactAdded"

// PhoneSource is the source a phone number is reserved under (as an external id is under
// its channel's name), by its keyed digest (CustomerRecordIDOf), never the number itself. A channel name is lower-case letters, digits, - and _, so no
// channel's external ids can collide with it.
const PhoneSource = "#phone"

// EmailSource is the source an email is reserved under for a record whose id was not
// derived from it: a record made without an email that was given one later (its tickets
// then find it by that email, as by the derived id of a record made for an email).
const EmailSource = "#email"

// CustomerContactAdded records that a record which had no email (or no phone) was given
// one by a later ticket: the record keeps its id. Both fields are personal data (sealed).
type CustomerContactAdded struct {
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

func (CustomerContactAdded) EventType() string { return TypeCustomerContactAdded }

// NormalizePhone is the form phone numbers are compared and kept in on a record: the
// digits, with a leading + for an international number (a leading 00 counts as +);
// spaces, dashes, dots and brackets dropped. A number has 5 to 15 digits (E.164 allows 15).
// A national number (no +) is kept as its digits: it matches only the same digits.
// ok is false for anything else (letters, a + inside, too few or too many digits).
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	plus := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return "", false
		}
	}
	digits := b.String()
	if !plus && strings.HasPrefix(digits, "00") {
		plus, digits = true, digits[2:]
	}
	if len(digits) < 5 || len(digits) > 15 {
		return "", false
	}
	if plus {
		return "+" + digits, true
	}
	return digits, true
}

// CustomerRecordIDOf is the id a new record for customer c gets: of the email when there
// is one (CustomerRecordID, as before), else of the external id (source and id), else of
// the phone, by phoneKey: a keyed digest of the normalized number (auth.Secrets.PhoneKey).
// A phone number is short enough to be found from a plain hash by trying every number, and
// a record id outlives an erasure in the event log; a keyed one cannot be reversed without
// the server key. Each is a UUIDv5 in the record namespace, with a prefix that keeps the
// three kinds apart.
func CustomerRecordIDOf(c Customer, ext *ExternalID, phoneKey string) uuid.UUID {
	switch {
	case strings.TrimSpace(c.Email) != "":
		return CustomerRecordID(c.Email)
	case ext != nil && ext.ID != "":
		return uuid.NewSHA1(customerNamespace, []byte("external\x00"+ext.Source+"\x00"+ext.ID))
	}
	return uuid.NewSHA1(customerNamespace, []byte("phone\x00"+phoneKey))
}

// checkContact checks a customer's email and phone: the email when given (or required) is
// an address, the phone when given a number (NormalizePhone); and at least one of the
// external id, email and phone names them.
func checkContact(v *validator, c Customer, hasID, emailRequired bool) {
	if emailRequired || c.Email != "" {
		v.check(emailOK(c.Email), "customer.email", "must be an email address")
	}
	_, phone := NormalizePhone(c.Phone)
	v.check(c.Phone == "" || (phone && phoneOK(c.Phone)), "customer.phone",
		"must be a phone number: 5 to 15 digits, an optional leading +, spaces, dashes, dots and brackets")
	v.check(emailRequired || hasID || c.Email != "" || c.Phone != "", "customer",
		"needs at least one of id, email and phone")
}

// CheckCustomerContact is checkContact for an intake that checks a sender before taking
// their message (application/inbound): the customer's external id (c.ID), email and phone.
func CheckCustomerContact(c Customer, emailRequired bool) error {
	var v validator
	checkContact(&v, c, c.ID != "", emailRequired)
	return v.err()
}

// SamePhone reports whether a and b are one phone number (NormalizePhone); never for an
// empty or malformed one.
func SamePhone(a, b string) bool {
	x, ok1 := NormalizePhone(a)
	y, ok2 := NormalizePhone(b)
	return ok1 && ok2 && x == y
}

// AddContact gives the record the email or phone it lacks, from a later ticket that
// names it; nothing when the record has them already (the record's own stay), or is
// erased. The record keeps its id.
func (c *CustomerRecord) AddContact(email, phone string) ([]Event, error) {
	if !c.Exists() {
		return nil, ErrNotFound
	}
	if c.s.Erased {
		return nil, nil
	}
	var e CustomerContactAdded
	if c.s.Email == "" && email != "" && emailOK(email) {
		e.Email = email
	}
	if _, ok := NormalizePhone(phone); c.s.Phone == "" && ok {
		e.Phone = phone // as given, like a registration's; look-ups compare NormalizePhone
	}
	if e == (CustomerContactAdded{}) {
		return nil, nil
	}
	return []Event{e}, nil
}

// addContact applies CustomerContactAdded.
func (s *CustomerRecordState) addContact(e CustomerContactAdded) {
	if e.Email != "" {
		s.Email = e.Email
	}
	if e.Phone != "" {
		s.Phone = e.Phone
	}
}
