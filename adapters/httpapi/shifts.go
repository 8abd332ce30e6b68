package httpapi

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// GET /shifts?from=&to= (docs/SLA-CLOCKS.md, "Shifts"): who is on shift in the interval,
// worked out from each agent's time zone and roster as the agents read model has them.
// Without from it is now; without to, from plus 24 hours; at most 31 days.

const maxShiftsInterval = 31 * 24 * time.Hour

type shiftsAgent struct {
	ID       uuid.UUID      `json:"id"`
	Name     string         `json:"name"`
	Team     string         `json:"team"`
	Timezone string         `json:"timezone"`
	Online   bool           `json:"online"`
	Shifts   []domain.Shift `json:"shifts"`
}

type shiftsPage struct {
	From   time.Time     `json:"from"`
	To     time.Time     `json:"to"`
	Agents []shiftsAgent `json:"agents"`
}

func (s *Server) getShifts(w http.ResponseWriter, r *http.Request) {
	from, err := timeParam(r, "from", s.Clock.Now())
	var to time.Time
	if err == nil {
		to, err = timeParam(r, "to", from.Add(24*time.Hour))
	}
	if err == nil && (!to.After(from) || to.Sub(from) > maxShiftsInterval) {
		err = fieldError("to", "must be after from, at most 31 days later")
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	agents, err := s.ReadSide.Agents(r.Context())
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	page := shiftsPage{From: from.UTC(), To: to.UTC(), Agents: []shiftsAgent{}}
	for _, a := range agents {
		if a.Roster == nil || !a.Active {
			continue
		}
		shifts := domain.ShiftsOf(domain.AgentState{Timezone: a.Timezone, Roster: *a.Roster}, from, to)
		if len(shifts) > 0 {
			page.Agents = append(page.Agents, shiftsAgent{ID: a.ID, Name: a.Name, Team: a.Team, Timezone: a.Timezone, Online: a.Online, Shifts: shifts})
		}
	}
	writeJSON(w, http.StatusOK, page)
}
