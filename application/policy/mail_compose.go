package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// letter is one mail to be worded: its kind, its recipient and what its template sees.
type letter struct {
	kind string
	to   Recipient
	data MailData
}

// eventDetail is what mails take from an event's own data; every event fills only its
// part. Attachments are read defensively (a list of {"filename"}) so replies that carry
// them list their names.
type eventDetail struct {
	Reason      string    `json:"reason"`
	Resolution  string    `json:"resolution"`
	AgentName   string    `json:"agent_name"`
	Body        string    `json:"body"`
	Public      bool      `json:"public"`
	Clock       string    `json:"clock"`
	Due         time.Time `json:"due"`
	Level       int       `json:"level"`
	Action      string    `json:"action"` // a stage limit's (StageDeadlinePassed)
	Rule        string    `json:"rule"`   // a stage limit's name
	Attachments []struct {
		Filename string `json:"filename"`
	} `json:"attachments"`
}

// mails words the messages a notice calls for, threaded under the ticket.
func (n *Notifier) mails(ctx context.Context, x Notice) ([]Mail, error) {
	if isHotIssue(x) {
		return n.hotIssueMails(ctx, x)
	}
	s, body, err := n.ticket(ctx, x)
	if err != nil {
		return nil, err
	}
	var d eventDetail
	_ = json.Unmarshal(x.Record.Data, &d) // a field that does not decode stays empty
	letters := n.customerLetters(x, s, d)
	staff, err := n.staffLetters(ctx, x, s, d, body)
	if err != nil {
		return nil, err
	}
	var out []Mail
	for _, l := range append(letters, staff...) {
		if l.to.Email == "" {
			continue
		}
		subject, text, err := n.tpl.Render(l.kind, l.to.Language, l.data)
		if err != nil {
			return nil, err
		}
		m := Mail{To: l.to.Email, Subject: subject, Body: text}
		n.thread(&m, x.Record.ID, s.ID, l)
		out = append(out, m)
	}
	return out, nil
}

// thread gives a mail its stable Message-ID and puts it in the ticket's thread. The
// customer's receipt is the thread's root, <ticket id@domain>; every other mail answers
// it (In-Reply-To, References), its own id derived from the event's id, its kind and
// its recipient, so a mail sent again after a crash has the same id as the first time.
func (n *Notifier) thread(m *Mail, event, ticket uuid.UUID, l letter) {
	root := "<" + ticket.String() + "@" + n.o.MessageIDDomain + ">"
	if l.kind == KindCustomerReceived {
		m.MessageID = root
		return
	}
	id := uuid.NewSHA1(event, []byte(l.kind+"\x00"+strings.ToLower(l.to.Email)))
	m.MessageID = "<" + id.String() + "@" + n.o.MessageIDDomain + ">"
	m.InReplyTo, m.References = root, []string{root}
}

func (n *Notifier) customerLetters(x Notice, s domain.TicketState, d eventDetail) []letter {
	to := Recipient{Name: s.Customer.Name, Email: s.Customer.Email, Language: s.Customer.Language}
	base := n.customerData(s, to)
	one := func(kind string, edit func(*MailData)) []letter {
		data := base
		if edit != nil {
			edit(&data)
		}
		return []letter{{kind: kind, to: to, data: data}}
	}
	switch x.Record.Type {
	case domain.TypeTicketReceived:
		return one(KindCustomerReceived, func(m *MailData) {
			if s.Unverified && n.o.ConfirmToken != nil && m.Link != "" {
				m.Link, m.Confirm = confirmLink(m.Link, n.o.ConfirmToken(s.ID)), true
			}
		})
	case domain.TypeTicketAssigned:
		return one(KindCustomerAssigned, func(m *MailData) { m.Agent = d.AgentName })
	case domain.TypeTicketAwaitingCustomer:
		return one(KindCustomerWaiting, func(m *MailData) { m.Text = d.Reason })
	case domain.TypeTicketResolved:
		rating := base
		if rating.Link != "" {
			rating.Link += "#rating"
		}
		return append(one(KindCustomerResolved, func(m *MailData) { m.Text = d.Resolution }),
			letter{kind: KindCustomerRating, to: to, data: rating})
	case domain.TypeTicketReopened:
		return one(KindCustomerReopened, func(m *MailData) { m.Text = d.Reason })
	case domain.TypeTicketClosed:
		return one(KindCustomerClosed, nil)
	case domain.TypeStageDeadlinePassed:
		if d.Action != domain.StageRemindCustomer {
			return nil
		}
		return one(KindCustomerReminder, nil)
	case domain.TypeTicketReplied:
		if !d.Public {
			return nil // an internal note
		}
		return one(KindCustomerReply, func(m *MailData) {
			m.Text, m.Attachments = d.Body, attachmentNames(d)
		})
	}
	return nil
}

func (n *Notifier) customerData(s domain.TicketState, to Recipient) MailData {
	code := ""
	if n.o.AccessCode != nil {
		code = n.o.AccessCode(s.ID)
	}
	data := ticketData(s, to)
	data.Link = portalLink(n.o.PortalURL, s.Number, code)
	return data
}

func ticketData(s domain.TicketState, to Recipient) MailData {
	l := lang(to.Language)
	return MailData{Number: s.Number, Subject: s.Subject, Status: statusWords[l][s.Status], Priority: string(s.Priority),
		Team: s.Team, Name: to.Name, Customer: s.Customer.Name, Agent: s.AssigneeName}
}

func attachmentNames(d eventDetail) []string {
	var out []string
	for _, a := range d.Attachments {
		if a.Filename != "" {
			out = append(out, a.Filename)
		}
	}
	return out
}

// staffLetters are the agents' mails (assignment, SLA warning) and the supervisors'
// (SLA breach, escalation).
func (n *Notifier) staffLetters(ctx context.Context, x Notice, s domain.TicketState, d eventDetail, body string) ([]letter, error) {
	var to []Recipient
	kind := ""
	switch x.Record.Type {
	case domain.TypeTicketAssigned:
		kind = KindAgentAssigned
		a, err := n.assignee(ctx, x, s)
		if err != nil || a == nil {
			return nil, err
		}
		to = []Recipient{*a}
	case domain.TypeSLAWarningIssued, domain.TypeStageWarningIssued, domain.TypeStageDeadlinePassed:
		kind = KindAgentSLAWarning
		if x.Record.Type != domain.TypeSLAWarningIssued {
			if x.Record.Type == domain.TypeStageDeadlinePassed && d.Action != domain.StageNotify {
				return nil, nil // the other actions speak for themselves (escalation, reminder, resolution)
			}
			kind = KindAgentStage
		}
		a, err := n.assignee(ctx, x, s)
		if err != nil {
			return nil, err
		}
		if a != nil {
			to = []Recipient{*a}
		} else {
			for _, m := range x.Team {
				to = append(to, agentRecipient(m))
			}
		}
	case domain.TypeSLABreached, domain.TypeTicketEscalated:
		kind = map[string]string{domain.TypeSLABreached: KindSupervisorBreach, domain.TypeTicketEscalated: KindSupervisorEscalate}[x.Record.Type]
		if n.staff == nil {
			return nil, nil
		}
		sup, err := n.staff.Supervisors(ctx, s.Team)
		if err != nil {
			return nil, fmt.Errorf("supervisors of %q: %w", s.Team, err)
		}
		to = sup
	default:
		return nil, nil
	}
	out := make([]letter, 0, len(to))
	for _, r := range to {
		data := ticketData(s, r)
		l := lang(r.Language)
		data.Link, data.FirstLines = deskLink(n.o.PublicURL, s), firstLines(body)
		data.Clock, data.Level, data.Text = clockWords[l][d.Clock], d.Level, d.Reason
		if d.Reason == domain.SLABreachReason {
			data.Text = breachWords[l]
		}
		if kind == KindAgentStage {
			data.Text = d.Rule
		}
		if !d.Due.IsZero() {
			data.Due = d.Due.UTC().Format(eventlog.TimeFormat)
		}
		out = append(out, letter{kind: kind, to: r, data: data})
	}
	return out, nil
}

// assignee is the ticket's assignee as the notice carries it, else from the directory.
func (n *Notifier) assignee(ctx context.Context, x Notice, s domain.TicketState) (*Recipient, error) {
	if x.Assignee != nil {
		r := agentRecipient(*x.Assignee)
		return &r, nil
	}
	if s.Assignee == uuid.Nil || n.staff == nil {
		return nil, nil
	}
	r, ok, err := n.staff.Agent(ctx, s.Assignee)
	if err != nil || !ok {
		return nil, err
	}
	return &r, nil
}

// ticket is the ticket as it stood after the notice's event, and the customer's first
// message when a staff mail quotes it. The engine's notice carries the state, except for
// a ticket its view had let go (closing a resolved one); then, and for the first lines,
// the ticket's stream is read and folded up to the event: off the command path.
func (n *Notifier) ticket(ctx context.Context, x Notice) (domain.TicketState, string, error) {
	quotes := x.Record.Type == domain.TypeTicketAssigned || x.Record.Type == domain.TypeSLAWarningIssued
	if x.Ticket.Version >= 0 && x.Ticket.ID != uuid.Nil && !quotes {
		return x.Ticket, "", nil
	}
	recs, err := n.o.Store.ReadStream(ctx, x.Record.Stream)
	if err != nil {
		return domain.TicketState{}, "", fmt.Errorf("read %s: %w", x.Record.Stream, err)
	}
	t, body := domain.NewTicket(), ""
	for _, r := range recs {
		if r.Version > x.Record.Version {
			break
		}
		e, err := domain.DecodeTicketEvent(r.Type, r.Data)
		if err != nil {
			continue
		}
		if rec, ok := e.(domain.TicketReceived); ok {
			body = rec.Body
		}
		t.Apply(e, r.Meta.OccurredAt)
	}
	s := t.State()
	if x.Ticket.Version >= 0 && x.Ticket.ID != uuid.Nil {
		s = x.Ticket
	}
	return s, body, nil
}
