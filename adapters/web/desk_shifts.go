package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

// The supervisors' shift page (docs/SLA-CLOCKS.md, "Shifts"): who is on shift now and who
// works in the next 24 hours, from the agents' rosters as the agents read model has them
// (the same as GET /shifts).

const shiftsAhead = 24 * time.Hour

// shiftRow is one agent's shifts in the coming day, times in UTC and in the agent's zone.
type shiftRow struct {
	Name, Team, Timezone string
	Online, OnNow        bool
	Spans                []shiftSpan
}

// shiftSpan is a shift as the page shows it ("12-07 09:00 – 12-07 17:00"), in UTC and
// in the agent's zone.
type shiftSpan struct{ UTC, Local string }

const shiftTime = "01-02 15:04"

// shiftDeskRoutes registers GET /desk/supervisor/shifts when the agents can be read.
func (s *Server) shiftDeskRoutes(mux *http.ServeMux) {
	if s.ManagerReads != nil {
		s.deskRoute(mux, "GET /desk/supervisor/shifts", s.shiftsPage, rolesOf(access.ListShifts)...)
	}
}

func (s *Server) shiftsPage(w http.ResponseWriter, r *http.Request) {
	agents, err := s.ManagerReads.Agents(r.Context())
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	now := time.Now()
	var onNow, later []shiftRow
	for _, a := range agents {
		if a.Roster == nil || !a.Active {
			continue
		}
		shifts := domain.ShiftsOf(domain.AgentState{Timezone: a.Timezone, Roster: *a.Roster}, now, now.Add(shiftsAhead))
		if len(shifts) == 0 {
			continue
		}
		loc, err := time.LoadLocation(a.Timezone)
		if err != nil {
			loc = time.UTC
		}
		row := shiftRow{Name: a.Name, Team: a.Team, Timezone: a.Timezone, Online: a.Online}
		for _, sh := range shifts {
			row.OnNow = row.OnNow || !sh.Start.After(now)
			row.Spans = append(row.Spans, shiftSpan{UTC: sh.Start.UTC().Format(shiftTime) + " – " + sh.End.UTC().Format(shiftTime),
				Local: sh.Start.In(loc).Format(shiftTime) + " – " + sh.End.In(loc).Format(shiftTime)})
		}
		if row.OnNow {
			onNow = append(onNow, row)
		} else {
			later = append(later, row)
		}
	}
	for _, rows := range [][]shiftRow{onNow, later} {
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].Team+rows[i].Name < rows[j].Team+rows[j].Name })
	}
	type section struct {
		ID   string
		Rows []shiftRow
	}
	s.renderDesk(w, r, http.StatusOK, "desk_supervisor_shifts", "shifts.title",
		map[string]any{"Sections": []section{{"now", onNow}, {"later", later}}})
}
