package projections

import (
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// agentsProjection keeps one row per agent: profile and presence (GET /agents).
var agentsProjection = Declare(Spec[domain.AgentState]{
	Name: Agents, Reads: AgentStreams,
	Empty: func(uuid.UUID) domain.AgentState { return emptyAgent() },
	Fold:  func(a domain.AgentState, e *Event) domain.AgentState { return ApplyAgent(a, e.Data) },
	Head:  func(a *domain.AgentState) (*uuid.UUID, *int64) { return &a.ID, &a.Version },
	Table: Table{
		Name: "rm_agents", Key: []string{"agent_id"},
		Columns: []Column{
			Col("agent_id", "uuid", func(a *domain.AgentState) uuid.UUID { return a.ID }),
			Col("version", "bigint", func(a *domain.AgentState) int64 { return a.Version }),
			Col("name", "text", func(a *domain.AgentState) string { return a.Name }),
			Col("email", "text", func(a *domain.AgentState) string { return a.Email }),
			Col("team", "text", func(a *domain.AgentState) string { return a.Team }),
			Col("skills", "text[]", func(a *domain.AgentState) []string { return a.Skills }),
			Col("capacity", "integer", func(a *domain.AgentState) int { return a.Capacity }),
			Col("language", "text", func(a *domain.AgentState) string { return a.Language }),
			Col("online", "boolean", func(a *domain.AgentState) bool { return a.Online }),
			SnapshotCol("state"),
		},
		Read: []string{"state"}, Scan: ScanSnapshot[domain.AgentState],
	},
})

// AgentView is an agent as GET /agents shows it.
type AgentView struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	Team        string    `json:"team"`
	Skills      []string  `json:"skills"`
	Capacity    int       `json:"capacity"`
	Online      bool      `json:"online"`
	OpenTickets int       `json:"open_tickets"`
	Language    string    `json:"language,omitempty"`
	Active      bool      `json:"active"`
	Version     int64     `json:"version"`
	// Timezone and Roster: when the agent works (docs/SLA-CLOCKS.md, "Shifts").
	Timezone string         `json:"timezone,omitempty"`
	Roster   *domain.Roster `json:"roster,omitempty"`
}

// NewAgentView shows an agent row.
func NewAgentView(a AgentRow) AgentView {
	skills := a.Skills
	if skills == nil {
		skills = []string{}
	}
	return AgentView{ID: a.ID, Name: a.Name, Team: a.Team, Skills: skills, Capacity: a.Capacity,
		Online: a.Online, OpenTickets: a.OpenTickets, Language: a.Language, Active: a.Active(), Version: a.Version}.withRoster(a.AgentState)
}

// withRoster shows the roster only where one is set.
func (v AgentView) withRoster(s domain.AgentState) AgentView {
	v.Timezone = s.Timezone
	if !s.Roster.Empty() {
		r := s.Roster
		v.Roster = &r
	}
	return v
}
