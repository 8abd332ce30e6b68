package projections

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// PortalEntry is one item of the customer's public timeline. The version is that of the
// event it shows, which keys it: writing it twice changes nothing.
type PortalEntry struct {
	TicketID uuid.UUID `json:"-"`
	Version  int64     `json:"-"`
	At       time.Time `json:"at"`
	Kind     string    `json:"kind"`
	Text     string    `json:"text"`
	// Attachments of the public message the entry shows (none for internal notes: those
	// have no entry at all).
	Attachments []AttachmentView `json:"attachments,omitempty"`
}

// Portal timeline kinds.
const (
	KindReceived      = "received"
	KindReply         = "reply"
	KindCustomerReply = "customer_reply"
	KindAssigned      = "assigned"
	KindWaiting       = "waiting"
	KindResolved      = "resolved"
	KindReopened      = "reopened"
	KindClosed        = "closed"
	KindRating        = "rating"
)

// PortalEntryFor returns the timeline entry a ticket event shows the customer, if any.
// Only what the customer wrote, what staff wrote to the customer, and the changes the
// customer should see are shown. Internal notes, escalations (and their reasons),
// classification, SLA warnings and breaches never are; the reasons staff give for
// waiting and reopening are staff's words about the ticket, not to the customer, so
// they are left out too.
func PortalEntryFor(id uuid.UUID, version int64, e domain.Event, at time.Time) (PortalEntry, bool) {
	p := PortalEntry{TicketID: id, Version: version, At: at}
	switch e := e.(type) {
	case domain.TicketReceived:
		p.Kind, p.Text, p.Attachments = KindReceived, e.Body, nonEmpty(e.Attachments)
	case domain.TicketReplied:
		if !e.Public {
			return p, false
		}
		p.Kind, p.Text, p.Attachments = KindReply, e.Body, nonEmpty(e.Attachments)
	case domain.CustomerReplied:
		p.Kind, p.Text, p.Attachments = KindCustomerReply, e.Body, nonEmpty(e.Attachments)
	case domain.TicketAssigned:
		p.Kind, p.Text = KindAssigned, e.AgentName
	case domain.TicketAwaitingCustomer:
		p.Kind = KindWaiting
	case domain.TicketResolved:
		p.Kind, p.Text = KindResolved, e.Resolution
	case domain.TicketReopened:
		p.Kind = KindReopened
	case domain.TicketClosed:
		p.Kind = KindClosed
	case domain.TicketRated:
		p.Kind, p.Text = KindRating, strconv.Itoa(e.Score)+"/5"
		if e.Comment != "" {
			p.Text += " " + e.Comment
		}
	default:
		return p, false
	}
	return p, true
}

// PortalView is the body of GET /portal/tickets/{number}: what the customer may see.
type PortalView struct {
	Number               string                `json:"number"`
	Status               domain.Status         `json:"status"`
	Subject              string                `json:"subject"`
	AssigneeName         *string               `json:"assignee_name"`
	ExpectedResolutionBy query.JSONTime        `json:"expected_resolution_by"`
	Timeline             []PortalTimelineEntry `json:"timeline"`
	Version              int64                 `json:"version"`
	// Verified is false until the customer confirms the address through the mailed link.
	Verified bool `json:"verified"`
}

// PortalTimelineEntry is a timeline item as the customer sees it; attachments is [] for
// entries without (every kind but received, reply and customer_reply has none).
type PortalTimelineEntry struct {
	At          query.JSONTime   `json:"at"`
	Kind        string           `json:"kind"`
	Text        string           `json:"text"`
	Attachments []AttachmentView `json:"attachments"`
}

// nonEmpty is AttachmentViews, nil for none (an entry without attachments stores none).
func nonEmpty(atts []domain.Attachment) []AttachmentView {
	if len(atts) == 0 {
		return nil
	}
	return AttachmentViews(atts)
}

// NewPortalView shows a ticket to its customer at `now`. An escalated ticket shows as
// assigned: that it was escalated (and why) is the team's business.
func NewPortalView(s domain.TicketState, timeline []PortalEntry, now time.Time) PortalView {
	v := PortalView{Number: s.Number, Status: s.Status, Subject: s.Subject, Version: s.Version,
		Timeline: make([]PortalTimelineEntry, 0, len(timeline)), Verified: !s.Unverified}
	if v.Status == domain.StatusEscalated {
		v.Status = domain.StatusAssigned
	}
	if s.AssigneeName != "" {
		name := s.AssigneeName
		v.AssigneeName = &name
	}
	if _, res := s.Clocks(now); res.Running {
		v.ExpectedResolutionBy = query.JSONTime(res.Due)
	}
	for _, e := range timeline {
		atts := e.Attachments
		if atts == nil {
			atts = []AttachmentView{}
		}
		if s.CustomerErased {
			e.Text = erasedText(e)
		}
		v.Timeline = append(v.Timeline, PortalTimelineEntry{At: query.JSONTime(e.At), Kind: e.Kind, Text: e.Text, Attachments: atts})
	}
	return v
}

// erasedText is an entry's text once the ticket's customer is erased: the timeline
// table is append-only, so what the customer wrote (their message, replies and rating
// comment) is left out where it is read; a rebuild stores it empty (docs/AUDIT.md).
func erasedText(e PortalEntry) string {
	switch e.Kind {
	case KindReceived, KindCustomerReply:
		return ""
	case KindRating:
		score, _, _ := strings.Cut(e.Text, " ")
		return score
	}
	return e.Text
}

// portalProjection keeps one row per ticket (the snapshot the customer's view shows) and
// appends the public timeline, one entry per event the customer may see.
var portalProjection = &portalRows{ticketRows{name: Portal, table: Table{
	Name: "rm_portal_tickets", Key: []string{"ticket_id"},
	Columns: []Column{
		Col("ticket_id", "uuid", func(t *ticket) uuid.UUID { return t.ID }),
		Col("number", "text", func(t *ticket) string { return t.Number }),
		Col("version", "bigint", func(t *ticket) int64 { return t.Version }),
		Col("status", "text", func(t *ticket) string { return string(t.Status) }),
		Col("subject", "text", func(t *ticket) string { return t.Subject }),
		NullCol("assignee_name", "text", func(t *ticket) string { return t.AssigneeName }),
		NullCol("resolution_due", "timestamptz", func(t *ticket) time.Time { return t.SLA.ResolutionDue }),
		SnapshotCol("state"),
	},
	Read: []string{"state"}, Scan: ScanSnapshot[ticket],
}}}

type portalRows struct{ ticketRows }

// Append adds the timeline entry e shows the customer, if any.
func (p *portalRows) Append(rows Appended, e *Event) Appended {
	x, ok := PortalEntryFor(e.ID, e.Version(), e.Data, e.At())
	if !ok {
		return rows
	}
	tl, _ := rows.(*timelineRows)
	if tl == nil {
		tl = &timelineRows{}
	}
	*tl = append(*tl, x)
	return tl
}

// timelineRows are appended timeline entries.
type timelineRows []PortalEntry

func (t *timelineRows) Len() int      { return len(*t) }
func (t *timelineRows) Row(i int) Row { return &(*t)[i] }

func (p *portalRows) AppendTable() *Table { return &timelineTable }

// timelineTable is the portal's public timeline: one row per entry, keyed by the
// version of the event it shows, so writing it twice changes nothing.
var timelineTable = Table{
	Name: "rm_portal_timeline", Key: []string{"ticket_id", "version"}, AppendOnly: true,
	Columns: []Column{
		Col("ticket_id", "uuid", func(e *PortalEntry) uuid.UUID { return e.TicketID }),
		Col("version", "bigint", func(e *PortalEntry) int64 { return e.Version }),
		Col("at", "timestamptz", func(e *PortalEntry) time.Time { return e.At }),
		Col("kind", "text", func(e *PortalEntry) string { return e.Kind }),
		Col("text", "text", func(e *PortalEntry) string { return e.Text }),
		NullCol("attachments", "text", func(e *PortalEntry) string { return attachmentsJSON(e.Attachments) }),
	},
	Read: []string{"ticket_id", "version", "at", "kind", "text", "attachments"},
	Scan: func(scan func(dest ...any) error) (Row, error) {
		var e PortalEntry
		var atts *string
		if err := scan(&e.TicketID, &e.Version, &e.At, &e.Kind, &e.Text, &atts); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		if atts != nil {
			if err := json.Unmarshal([]byte(*atts), &e.Attachments); err != nil {
				return nil, fmt.Errorf("rm_portal_timeline.attachments: %w", err)
			}
		}
		return &e, nil
	},
}

// attachmentsJSON is the attachments column: their JSON, "" (NULL) for none.
func attachmentsJSON(atts []AttachmentView) string {
	if len(atts) == 0 {
		return ""
	}
	b, _ := json.Marshal(atts) // strings and numbers always encode
	return string(b)
}
