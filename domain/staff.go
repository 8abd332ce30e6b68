package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Staff accounts. Every person on the staff has an account, kept in an agent-<id> stream
// and folded by the Agent aggregate: an agent is an account with role agent plus routing
// fields (AgentRegistered, as before accounts had roles), any other role is created by
// StaffAccountCreated. Keeping one aggregate and one stream kind lets the histories of
// agents registered before accounts existed go on working unchanged.

// Roles of accounts (the same words as the tokens' roles in application/access).
const (
	RoleAdmin      = "admin"
	RoleSupervisor = "supervisor"
	RoleAgent      = "agent"
	RoleAuditor    = "auditor"
	RoleAnalyst    = "analyst"
)

// Stored type names of the account events.
const (
	TypeStaffAccountCreated  = "StaffAccountCreated"
	TypeAgentProfileChanged  = "AgentProfileChanged"
	TypeStaffPasswordChanged = "StaffPasswordChanged"
	TypeStaffDeactivated     = "StaffDeactivated"
	TypeStaffReactivated     = "StaffReactivated"
)

// Password policy: at least MinPasswordLength characters, at most MaxPasswordBytes bytes
// (bcrypt reads no further than 72 bytes).
const (
	MinPasswordLength = 10
	MaxPasswordBytes  = 72
)

// StaffAccountCreated adds an account of a role other than agent.
type StaffAccountCreated struct {
	AccountID    uuid.UUID `json:"account_id"`
	Role         string    `json:"role"`
	Name         string    `json:"name"`
	Email        string    `json:"email"`
	Team         string    `json:"team,omitempty"`
	Language     string    `json:"language,omitempty"`
	PasswordHash string    `json:"password_hash,omitempty"`
}

// AgentProfileChanged records the account's profile after a change (every field, so
// that the event alone says what the profile became).
type AgentProfileChanged struct {
	Name     string   `json:"name"`
	Team     string   `json:"team"`
	Skills   []string `json:"skills"`
	Capacity int      `json:"capacity"`
	Language string   `json:"language,omitempty"`
}

// StaffPasswordChanged replaces the password's hash.
type StaffPasswordChanged struct {
	PasswordHash string `json:"password_hash"`
}

// StaffDeactivated takes the account out of service: it goes offline, and the
// application revokes its tokens and hands its open tickets back.
type StaffDeactivated struct {
	Reason string `json:"reason,omitempty"`
}

// StaffReactivated puts a deactivated account back in service (offline, without tokens).
type StaffReactivated struct{}

func (StaffAccountCreated) EventType() string  { return TypeStaffAccountCreated }
func (AgentProfileChanged) EventType() string  { return TypeAgentProfileChanged }
func (StaffPasswordChanged) EventType() string { return TypeStaffPasswordChanged }
func (StaffDeactivated) EventType() string     { return TypeStaffDeactivated }
func (StaffReactivated) EventType() string     { return TypeStaffReactivated }

func decodeStaffEvent(eventType string, data []byte) (Event, bool, error) {
	var e Event
	switch eventType {
	case TypeStaffAccountCreated:
		e = decodeInto[StaffAccountCreated](data)
	case TypeAgentProfileChanged:
		e = decodeInto[AgentProfileChanged](data)
	case TypeStaffPasswordChanged:
		e = decodeInto[StaffPasswordChanged](data)
	case TypeStaffDeactivated:
		e = decodeInto[StaffDeactivated](data)
	case TypeStaffReactivated:
		return StaffReactivated{}, true, nil
	default:
		return nil, false, nil
	}
	if d, ok := e.(decodeFailure); ok {
		return nil, true, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, d.err)
	}
	return e, true, nil
}

func (a *Agent) applyStaff(e Event) {
	switch e := e.(type) {
	case StaffAccountCreated:
		a.s = AgentState{ID: e.AccountID, Role: e.Role, PasswordHash: e.PasswordHash, Version: a.s.Version,
			AgentProfile: AgentProfile{Name: e.Name, Email: e.Email, Team: e.Team, Language: e.Language, Skills: []string{}}}
	case AgentProfileChanged:
		a.s.Name, a.s.Team, a.s.Skills, a.s.Capacity, a.s.Language = e.Name, e.Team, e.Skills, e.Capacity, e.Language
	case StaffPasswordChanged:
		a.s.PasswordHash = e.PasswordHash
	case StaffDeactivated:
		a.s.Deactivated, a.s.Online = true, false
	case StaffReactivated:
		a.s.Deactivated = false
	}
}

// CheckPassword applies the password policy to a plain password, before it is hashed.
func CheckPassword(field, p string) error {
	var v validator
	v.check(utf8.ValidString(p) && utf8.RuneCountInString(p) >= MinPasswordLength && len(p) <= MaxPasswordBytes,
		field, fmt.Sprintf("must be %d to %d bytes long, at least %d characters", MinPasswordLength, MaxPasswordBytes, MinPasswordLength))
	return v.err()
}

// CreateStaffAccount is the command that adds an account of a role other than agent.
type CreateStaffAccount struct {
	Name, Email, Role, Team, Language string
	PasswordHash                      string
}

// CreateStaff validates and records a new account; agents are registered by Register.
func CreateStaff(c CreateStaffAccount, id uuid.UUID) ([]Event, error) {
	var v validator
	v.check(textOK(c.Name, 1, maxShortText), "name", "is required, at most 200 characters")
	v.check(emailOK(c.Email), "email", "must be an email address")
	v.check(textOK(c.Team, 0, maxShortText), "team", "is at most 200 characters")
	v.check(languageOK(c.Language), "language", "must be zh or en")
	switch c.Role {
	case RoleAdmin, RoleSupervisor, RoleAuditor, RoleAnalyst:
	default:
		v.check(false, "role", "must be one of admin, supervisor, agent, auditor, analyst")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	team := strings.TrimSpace(c.Team)
	if team == "" && c.Role == RoleSupervisor {
		team = DefaultTeam
	}
	return []Event{StaffAccountCreated{AccountID: id, Role: c.Role, Name: c.Name, Email: c.Email, Team: team,
		Language: c.Language, PasswordHash: c.PasswordHash}}, nil
}

// ChangeAgentProfile is PATCH /agents/{id}: nil fields keep their value.
type ChangeAgentProfile struct {
	Name, Team, Language *string
	Skills               *[]string
	Capacity             *int
}

// ChangeProfile validates the new profile and records it; no event when nothing changes.
func (a *Agent) ChangeProfile(c ChangeAgentProfile) ([]Event, error) {
	if !a.Exists() || a.s.RoleOf() != RoleAgent {
		return nil, ErrNotFound
	}
	p := a.s.AgentProfile
	set(&p.Name, c.Name)
	set(&p.Team, c.Team)
	set(&p.Language, c.Language)
	set(&p.Skills, c.Skills)
	set(&p.Capacity, c.Capacity)
	if p.Skills == nil {
		p.Skills = []string{}
	}
	if _, err := Register(RegisterAgent{Name: p.Name, Email: p.Email, Team: p.Team, Skills: p.Skills,
		Capacity: p.Capacity, Language: p.Language}, a.s.ID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Team) == "" {
		p.Team = DefaultTeam
	}
	if sameProfile(p, a.s.AgentProfile) {
		return nil, nil
	}
	return []Event{AgentProfileChanged{Name: p.Name, Team: p.Team, Skills: p.Skills, Capacity: p.Capacity, Language: p.Language}}, nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func sameProfile(a, b AgentProfile) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// ChangePassword records a new password hash.
func (a *Agent) ChangePassword(hash string) ([]Event, error) {
	if !a.Exists() {
		return nil, ErrNotFound
	}
	if hash == "" {
		return nil, fmt.Errorf("%w: empty password hash", ErrInvalid)
	}
	return []Event{StaffPasswordChanged{PasswordHash: hash}}, nil
}

// Deactivate takes the account out of service; a deactivated account records nothing
// more (a retry of the deactivation is no change).
func (a *Agent) Deactivate(reason string) ([]Event, error) {
	if !a.Exists() {
		return nil, ErrNotFound
	}
	var v validator
	v.check(textOK(reason, 0, maxReason), "reason", "is at most 2000 characters")
	if err := v.err(); err != nil {
		return nil, err
	}
	if a.s.Deactivated {
		return nil, nil
	}
	return []Event{StaffDeactivated{Reason: reason}}, nil
}

// Reactivate puts the account back in service; an active account records nothing.
func (a *Agent) Reactivate() ([]Event, error) {
	if !a.Exists() {
		return nil, ErrNotFound
	}
	if !a.s.Deactivated {
		return nil, nil
	}
	return []Event{StaffReactivated{}}, nil
}
