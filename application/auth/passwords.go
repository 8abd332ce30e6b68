package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/bcrypt"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Passwords are hashed with bcrypt (golang.org/x/crypto, the Go project's own): salted,
// slow on purpose, the hash carries its cost. Only the hash reaches an event.

// PasswordCost is bcrypt's work factor for new hashes.
const PasswordCost = 11

// HashPassword applies the password policy (domain.CheckPassword) and returns the hash
// to record. field names the request field in a validation error.
func HashPassword(field, password string) (string, error) {
	if err := domain.CheckPassword(field, password); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// TypeStaffEmailReserved is the single event of a staffemail-<hash> stream: appending it
// with NoStream is what makes an account's email unique (case-insensitive).
const TypeStaffEmailReserved = "StaffEmailReserved"

// EmailReservation is the data of StaffEmailReserved.
type EmailReservation struct {
	AccountID uuid.UUID `json:"account_id"`
}

// EmailStream is the reservation stream of an email: its lower-cased form's SHA-256.
func EmailStream(email string) string {
	return eventlog.StaffEmailStreamPrefix + HashSecret(strings.ToLower(strings.TrimSpace(email)))
}

// EmailOwner returns the account that reserved the email, or uuid.Nil when none did.
func EmailOwner(ctx context.Context, store eventlog.EventStore, email string) (uuid.UUID, error) {
	recs, err := store.ReadStream(ctx, EmailStream(email))
	if err != nil || len(recs) == 0 {
		return uuid.Nil, err
	}
	var r EmailReservation
	if recs[0].Type != TypeStaffEmailReserved || json.Unmarshal(recs[0].Data, &r) != nil {
		return uuid.Nil, fmt.Errorf("%w: %s holds no reservation", application.ErrInvalid, recs[0].Stream)
	}
	return r.AccountID, nil
}

// ErrSignIn is the one answer to a wrong email or password, whichever was wrong.
var ErrSignIn = fmt.Errorf("%w: wrong email or password", application.ErrUnauthorized)

// unknownHash stands in for the hash of an email no account has, so that an unknown
// email costs one bcrypt comparison like a wrong password does.
var unknownHash, _ = bcrypt.GenerateFromPassword([]byte("no account has this password"), PasswordCost)

// SignIn is how the staff pages authenticate: the account of the email if the password
// is its own and the account is active, else ErrSignIn. An unknown email, an account
// without a password and a deactivated account take the same path as a wrong password:
// the email's reservation is read, then one bcrypt comparison is made.
func SignIn(ctx context.Context, store eventlog.EventStore, email, password string) (domain.AgentState, error) {
	id, err := EmailOwner(ctx, store, email)
	if err != nil && !errors.Is(err, application.ErrInvalid) {
		return domain.AgentState{}, err
	}
	var acc domain.AgentState
	if id != uuid.Nil {
		if acc, err = loadAccount(ctx, store, id); err != nil && !errors.Is(err, application.ErrNotFound) {
			return domain.AgentState{}, err
		}
	}
	hash := acc.PasswordHash
	if hash == "" {
		hash = string(unknownHash)
	}
	ok := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	if !ok || acc.PasswordHash == "" || !acc.Active() {
		return domain.AgentState{}, ErrSignIn
	}
	acc.PasswordHash = ""
	return acc, nil
}

// VerifyPassword reports whether password is the account's own (for a change of
// password by the account itself), after the same work as SignIn.
func VerifyPassword(acc domain.AgentState, password string) bool {
	hash := acc.PasswordHash
	if hash == "" {
		hash = string(unknownHash)
	}
	ok := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	return ok && acc.PasswordHash != ""
}

// loadAccount folds an account's stream (agent-<id>).
func loadAccount(ctx context.Context, store eventlog.EventStore, id uuid.UUID) (domain.AgentState, error) {
	recs, err := store.ReadStream(ctx, eventlog.AgentStream(id))
	if err != nil {
		return domain.AgentState{}, err
	}
	a := domain.NewAgent()
	for _, r := range recs {
		e, err := domain.DecodeAgentEvent(r.Type, r.Data)
		if err != nil {
			return domain.AgentState{}, err
		}
		a.Apply(e)
	}
	if !a.Exists() {
		return domain.AgentState{}, application.ErrNotFound
	}
	return a.State(), nil
}
