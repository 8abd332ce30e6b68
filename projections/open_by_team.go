package projections

import (
	"context"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// OpenByTeam is the projection of open tickets per team and priority, for the
// dashboards: one row per ticket, its team, priority and whether it is open; the counts
// are a GROUP BY on it (CountOpenByTeam, or SQL on rm_open_by_team).
const OpenByTeam = "open_by_team"

// TeamTicket is a row of open_by_team.
type TeamTicket struct {
	ID       uuid.UUID       `json:"ticket_id"`
	Version  int64           `json:"version"`
	Team     string          `json:"team"`
	Priority domain.Priority `json:"priority"`
	Open     bool            `json:"is_open"`
}

// openByTeamProjection folds the few ticket events that move a ticket between teams,
// priorities, open and not open; the others only move its version. Teams and priorities
// are interned: every row of a team shares its name.
var openByTeamProjection = Declare(Spec[TeamTicket]{
	Name: OpenByTeam, Reads: TicketStreams,
	Empty: func(id uuid.UUID) TeamTicket { return TeamTicket{ID: id, Version: -1} },
	Fold: func(r TeamTicket, e *Event) TeamTicket {
		r.ID, r.Version = e.ID, e.Version()
		switch x := e.Data.(type) {
		case domain.TicketReceived:
			r.Team, r.Priority, r.Open = intern(x.Team), domain.Priority(intern(string(x.Priority))), true
		case domain.TicketClassified:
			r.Team, r.Priority = intern(x.Team), domain.Priority(intern(string(x.Priority)))
		case domain.TicketReprioritized:
			r.Priority = domain.Priority(intern(string(x.Priority)))
		case domain.TicketEscalated:
			r.Team = intern(x.Team)
		case domain.TicketReopened:
			r.Open = true
		case domain.TicketResolved, domain.TicketClosed:
			r.Open = false
		}
		return r
	},
	Head: func(r *TeamTicket) (*uuid.UUID, *int64) { return &r.ID, &r.Version },
	Table: Table{
		Name: "rm_open_by_team", Key: []string{"ticket_id"},
		Columns: []Column{
			Col("ticket_id", "uuid", func(r *TeamTicket) uuid.UUID { return r.ID }),
			Col("version", "bigint", func(r *TeamTicket) int64 { return r.Version }),
			Col("team", "text", func(r *TeamTicket) string { return r.Team }),
			Col("priority", "text", func(r *TeamTicket) string { return string(r.Priority) }),
			Col("is_open", "boolean", func(r *TeamTicket) bool { return r.Open }),
		},
		Read: []string{"ticket_id", "version", "team", "priority", "is_open"},
		Scan: func(scan func(dest ...any) error) (Row, error) {
			var r TeamTicket
			var prio string
			if err := scan(&r.ID, &r.Version, &r.Team, &prio, &r.Open); err != nil {
				return nil, err
			}
			r.Priority = domain.Priority(prio)
			return &r, nil
		},
	},
})

// TeamOpen is how many tickets of a team and priority are open.
type TeamOpen struct {
	Team     string          `json:"team"`
	Priority domain.Priority `json:"priority"`
	Open     int             `json:"open"`
}

// CountOpenByTeam counts the open tickets per team and priority (only those with any),
// by team, then priority rank.
func CountOpenByTeam(ctx context.Context, q Queries) ([]TeamOpen, error) {
	rows, err := q.Rows(ctx, OpenByTeam)
	if err != nil {
		return nil, err
	}
	type key struct {
		team string
		prio domain.Priority
	}
	counts := map[key]int{}
	for _, r := range rows {
		if t := r.(*TeamTicket); t.Open {
			counts[key{t.Team, t.Priority}]++
		}
	}
	out := make([]TeamOpen, 0, len(counts))
	for k, n := range counts {
		out = append(out, TeamOpen{Team: k.team, Priority: k.prio, Open: n})
	}
	slices.SortFunc(out, func(a, b TeamOpen) int {
		if c := strings.Compare(a.Team, b.Team); c != 0 {
			return c
		}
		return a.Priority.Rank() - b.Priority.Rank()
	})
	return out, nil
}
