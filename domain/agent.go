package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Stored type names of the agent's events.
const (
	TypeAgentRegistered  = "AgentRegistered"
	TypeAgentWentOnline  = "AgentWentOnline"
	TypeAgentWentOffline = "AgentWentOffline"
)

// AgentProfile is who an agent is: registered by AgentRegistered, kept in AgentState.
// Its fields sit flat in both JSON forms.
type AgentProfile struct {
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Team     string   `json:"team"`
	Skills   []string `json:"skills"`
	Capacity int      `json:"capacity"`
	Language string   `json:"language,omitempty"`
}

// AgentRegistered adds a member of staff who can be assigned tickets. PasswordHash is
// the password's bcrypt hash (never the password), empty for an agent without one.
type AgentRegistered struct {
	AgentID uuid.UUID `json:"agent_id"`
	AgentProfile
	PasswordHash string `json:"password_hash,omitempty"`
}

// AgentWentOnline makes the agent available to routing.
type AgentWentOnline struct{}

// AgentWentOffline takes the agent out of routing; assigned tickets stay assigned.
type AgentWentOffline struct{}

func (AgentRegistered) EventType() string  { return TypeAgentRegistered }
func (AgentWentOnline) EventType() string  { return TypeAgentWentOnline }
func (AgentWentOffline) EventType() string { return TypeAgentWentOffline }

// DecodeAgentEvent turns a stored agent event back into its type.
func DecodeAgentEvent(eventType string, data []byte) (Event, error) {
	switch eventType {
	case TypeAgentRegistered:
		var e AgentRegistered
		if err := json.Unmarshal(data, &e); err != nil {
			return nil, fmt.Errorf("%w: %s data: %v", ErrInvalid, eventType, err)
		}
		return e, nil
	case TypeAgentWentOnline:
		return AgentWentOnline{}, nil
	case TypeAgentWentOffline:
		return AgentWentOffline{}, nil
	}
	if e, ok, err := decodeStaffEvent(eventType, data); ok {
		return e, err
	}
	if e, ok, err := decodeRosterEvent(eventType, data); ok {
		return e, err
	}
	return nil, fmt.Errorf("%w: unknown agent event type %q", ErrInvalid, eventType)
}

// AgentState is a staff account: an agent's profile and presence, or (Role other than
// agent) an account without routing fields. Role is empty in agents registered before
// accounts had roles: they are agents (RoleOf). PasswordHash never leaves the write side:
// the read models clear it.
type AgentState struct {
	ID uuid.UUID `json:"id"`
	AgentProfile
	Role         string `json:"role,omitempty"`
	Deactivated  bool   `json:"deactivated,omitempty"`
	PasswordHash string `json:"password_hash,omitempty"`
	Online       bool   `json:"online"`
	Version      int64  `json:"version"`
	// Timezone and Roster say when the agent works (agent_roster.go); ShiftBoundary is
	// the last shift boundary acted on (or when the roster was set).
	Timezone      string    `json:"timezone,omitempty"`
	Roster        Roster    `json:"roster,omitempty"`
	ShiftBoundary time.Time `json:"shift_boundary,omitempty"`
}

// RoleOf is the account's role: agent for accounts registered before roles.
func (s AgentState) RoleOf() string {
	if s.Role == "" {
		return RoleAgent
	}
	return s.Role
}

// Active reports whether the account may sign in and be routed tickets.
func (s AgentState) Active() bool { return !s.Deactivated }

// HasSkill reports whether the agent has the skill (case-insensitive).
func (s AgentState) HasSkill(skill string) bool {
	for _, k := range s.Skills {
		if strings.EqualFold(k, skill) {
			return true
		}
	}
	return false
}

// Agent is the aggregate for a member of staff.
type Agent struct{ s AgentState }

// NewAgent returns an agent before registration.
func NewAgent() *Agent { return &Agent{s: AgentState{Version: -1}} }

// RestoreAgent continues from a snapshot (projections keep one per agent).
func RestoreAgent(s AgentState) *Agent { return &Agent{s: s} }

// State returns a copy of the agent's state.
func (a *Agent) State() AgentState { return a.s }

// Exists reports whether the agent was registered.
func (a *Agent) Exists() bool { return a.s.Version >= 0 }

// Apply folds one event into the agent.
func (a *Agent) Apply(e Event) {
	a.s.Version++
	switch e := e.(type) {
	case AgentRegistered:
		a.s = AgentState{ID: e.AgentID, AgentProfile: e.AgentProfile, Role: RoleAgent, PasswordHash: e.PasswordHash, Version: a.s.Version}
	case AgentWentOnline:
		a.s.Online = true
	case AgentWentOffline:
		a.s.Online = false
	default:
		if !a.applyRoster(e) {
			a.applyStaff(e)
		}
	}
}

// RegisterAgent is the command that adds an agent. Password is the plain password the
// application checks (CheckPassword) and hashes before the domain sees it: the domain
// records only PasswordHash.
type RegisterAgent struct {
	Name         string
	Email        string
	Team         string
	Skills       []string
	Capacity     int
	Language     string
	Password     string
	PasswordHash string
}

// Register validates and records a new agent; the team defaults to support.
func Register(c RegisterAgent, id uuid.UUID) ([]Event, error) {
	var v validator
	v.check(textOK(c.Name, 1, maxShortText), "name", "is required, at most 200 characters")
	v.check(emailOK(c.Email), "email", "must be an email address")
	v.check(textOK(c.Team, 0, maxShortText), "team", "is at most 200 characters")
	v.check(c.Capacity >= 1 && c.Capacity <= 1000, "capacity", "must be from 1 to 1000")
	v.check(len(c.Skills) <= 50, "skills", "at most 50")
	for _, s := range c.Skills {
		v.check(textOK(s, 1, maxShortText), "skills", "each skill is 1 to 200 characters")
	}
	v.check(languageOK(c.Language), "language", "must be zh or en")
	if err := v.err(); err != nil {
		return nil, err
	}
	team := strings.TrimSpace(c.Team)
	if team == "" {
		team = DefaultTeam
	}
	skills := c.Skills
	if skills == nil {
		skills = []string{}
	}
	return []Event{AgentRegistered{AgentID: id, AgentProfile: AgentProfile{Name: c.Name, Email: c.Email, Team: team,
		Skills: skills, Capacity: c.Capacity, Language: c.Language}, PasswordHash: c.PasswordHash}}, nil
}

// SetPresence records going online or offline; no event when nothing changes.
func (a *Agent) SetPresence(online bool) ([]Event, error) {
	if !a.Exists() || a.s.RoleOf() != RoleAgent {
		return nil, ErrNotFound
	}
	if online && a.s.Deactivated {
		return nil, fmt.Errorf("%w: the account is deactivated", ErrInvalidTransition)
	}
	if a.s.Online == online {
		return nil, nil
	}
	if online {
		return []Event{AgentWentOnline{}}, nil
	}
	return []Event{AgentWentOffline{}}, nil
}
