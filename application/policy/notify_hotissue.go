package policy

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
)

// Hot issues (application/hotissues) reach people the way ticket events do: the engine
// passes the HotIssueDetected record on as a notice, the notifier claims it, mails the
// supervisors of the teams whose tickets are behind it (one mail per supervisor) and
// records it sent; the webhook relays send it like any event (relayed). Kept here, apart
// from the ticket mails, so delivery can move as one piece.

// hotIssueNotice is the notice of a spike's record: no ticket state.
func hotIssueNotice(r eventlog.Record) (Notice, bool) {
	if r.Type != hotissues.TypeDetected || !strings.HasPrefix(r.Stream, eventlog.HotIssueStreamPrefix) {
		return Notice{}, false
	}
	return Notice{Record: r, Ticket: domain.TicketState{Version: -1}}, true
}

func isHotIssue(x Notice) bool { _, ok := hotIssueNotice(x.Record); return ok }

// hotIssueRef is the spike's short reference in the mail's subject (HOT-1A2B3C4D).
func hotIssueRef(stream string) string {
	id := strings.TrimPrefix(stream, eventlog.HotIssueStreamPrefix)
	return "HOT-" + strings.ToUpper(strings.ReplaceAll(id, "-", "")[:8])
}

// hotIssueMails words a spike's mails: one per supervisor of each team behind it.
func (n *Notifier) hotIssueMails(ctx context.Context, x Notice) ([]Mail, error) {
	e, err := hotissues.Decode(x.Record.Type, x.Record.Data)
	if err != nil {
		return nil, err
	}
	if n.staff == nil {
		return nil, nil
	}
	seen := map[string]bool{}
	var to []Recipient
	for _, team := range e.Teams {
		sup, err := n.staff.Supervisors(ctx, team)
		if err != nil {
			return nil, fmt.Errorf("supervisors of %q: %w", team, err)
		}
		for _, r := range sup {
			if key := strings.ToLower(r.Email); r.Email != "" && !seen[key] {
				seen[key] = true
				to = append(to, r)
			}
		}
	}
	ref := hotIssueRef(x.Record.Stream)
	var out []Mail
	for _, r := range to {
		data := MailData{Number: ref, Subject: e.Series, Name: r.Name, Series: e.Series, Count: e.Count,
			Baseline: strconv.FormatFloat(e.Baseline, 'f', -1, 64), Due: e.WindowStart.UTC().Format(eventlog.TimeFormat),
			Tickets: n.ticketLinks(e.Tickets), Link: n.hotIssuesLink()}
		subject, body, err := n.tpl.Render(KindSupervisorHotIssue, r.Language, data)
		if err != nil {
			return nil, err
		}
		// A stable Message-ID per spike and recipient: a mail sent again after a crash has the same.
		id := uuid.NewSHA1(x.Record.ID, []byte(KindSupervisorHotIssue+"\x00"+strings.ToLower(r.Email)))
		out = append(out, Mail{To: r.Email, Subject: subject, Body: body,
			MessageID: "<" + id.String() + "@" + n.o.MessageIDDomain + ">"})
	}
	return out, nil
}

// hotIssueTicketLinks bounds the tickets a mail lists.
const hotIssueTicketLinks = 10

// ticketLinks are desk links to the first tickets behind a spike (their ids without a
// public URL).
func (n *Notifier) ticketLinks(ids []uuid.UUID) []string {
	var out []string
	for i, id := range ids {
		if i == hotIssueTicketLinks {
			break
		}
		out = append(out, deskLink(n.o.PublicURL, domain.TicketState{ID: id}))
		if n.o.PublicURL == "" {
			out[len(out)-1] = id.String()
		}
	}
	return out
}

// hotIssuesLink is the supervisors' desk page, where the spikes and their tickets are listed.
func (n *Notifier) hotIssuesLink() string {
	if n.o.PublicURL == "" {
		return ""
	}
	return strings.TrimRight(n.o.PublicURL, "/") + "/desk/supervisor"
}
