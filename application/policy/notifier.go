package policy

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// Mail is one plain-text message.
type Mail struct {
	To      string
	Subject string
	Body    string
}

// Mailer sends mail (adapters/smtp). It is called only from the notifier's own goroutine,
// never from a command, so a slow or down mail server never slows commands.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// NotifierOptions configure a Notifier.
type NotifierOptions struct {
	Mailer Mailer
	// Store keeps the notifier's claims (see NotificationStream); required.
	Store     eventlog.EventStore
	Clock     application.Clock
	PortalURL string // base of the portal link, e.g. https://support.example.com/portal
	// AccessCode gives a ticket's portal access code, for the link (auth.Secrets).
	AccessCode func(uuid.UUID) string
	// ConfirmToken gives the token that confirms a self-service ticket's address
	// (auth.Secrets.ConfirmToken): the receipt mail of an unverified ticket links to
	// {PortalURL}/tickets/{number}/confirm?code=&token= instead of the plain portal link.
	ConfirmToken func(uuid.UUID) string
	Queue        int // bounded queue length; default 1024
	Attempts     int // sends per mail before it is dropped; default 5
	Backoff      time.Duration
	Log          *slog.Logger
}

// Notifier turns notices into mails: the customer hears when the ticket is received,
// assigned, waiting on them and resolved (in their language); the assignee hears of
// assignments, and the assignee (or, with none, the team) of SLA warnings. Notices wait
// in a bounded queue; when it is full new ones are dropped and counted, rather than
// holding up the engine.
type Notifier struct {
	o       NotifierOptions
	claims  *claims
	queue   chan Notice
	dropped atomic.Int64
	failed  atomic.Int64
}

// NewNotifier returns a notifier; Run sends.
func NewNotifier(o NotifierOptions) *Notifier {
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.Attempts <= 0 {
		o.Attempts = 5
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Clock == nil {
		o.Clock = application.SystemClock{}
	}
	return &Notifier{o: o, claims: &claims{store: o.Store, clock: o.Clock}, queue: make(chan Notice, o.Queue)}
}

// Resume reads the durable progress: the engine makes notices only of records after the
// returned position. With no progress recorded yet (a first start) it returns 0, and
// the engine skips records older than FreshFor instead of mailing all of history.
func (n *Notifier) Resume(ctx context.Context) (uint64, error) {
	if err := n.claims.load(ctx); err != nil {
		return 0, err
	}
	return n.claims.last, nil
}

// Enqueue takes a notice without blocking (Options.Notify of the engine).
func (n *Notifier) Enqueue(x Notice) {
	select {
	case n.queue <- x:
	default:
		n.dropped.Add(1)
		n.o.Log.Warn("notification queue full; notice dropped", slog.String("event", x.Record.ID.String()))
	}
}

// Dropped and Failed count notices dropped on a full queue and mails given up on.
func (n *Notifier) Dropped() int64 { return n.dropped.Load() }
func (n *Notifier) Failed() int64  { return n.failed.Load() }

// Run sends mails until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case x := <-n.queue:
			won, err := n.claims.claim(ctx, x.Record.Position, x.Record.ID)
			if err != nil {
				n.o.Log.Error("notification not claimed; skipped", slog.String("event", x.Record.ID.String()), slog.Any("err", err))
				continue
			}
			if !won {
				continue // another process mails this one
			}
			for _, m := range n.mails(x) {
				n.send(ctx, m)
			}
		}
	}
}

func (n *Notifier) send(ctx context.Context, m Mail) {
	wait := n.o.Backoff
	for attempt := 1; ; attempt++ {
		err := n.o.Mailer.Send(ctx, m)
		if err == nil || ctx.Err() != nil {
			return
		}
		if attempt == n.o.Attempts {
			n.failed.Add(1)
			n.o.Log.Error("mail not sent", slog.String("to", m.To), slog.String("subject", m.Subject), slog.Any("err", err))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

// mails words the messages a notice calls for.
func (n *Notifier) mails(x Notice) []Mail {
	var out []Mail
	s := x.Ticket
	link := n.link(s)
	if x.Record.Type == domain.TypeTicketReceived && s.Unverified && n.o.ConfirmToken != nil && link != "" {
		link = confirmLink(link, n.o.ConfirmToken(s.ID))
	}
	if m, ok := customerMail(s, x.Record.Type, detail(x), link); ok {
		out = append(out, m)
	}
	switch x.Record.Type {
	case domain.TypeTicketAssigned:
		if x.Assignee != nil {
			if m, ok := agentMail(*x.Assignee, s, x.Record.Type, "", ""); ok {
				out = append(out, m)
			}
		}
	case domain.TypeSLAWarningIssued:
		var w domain.SLAWarningIssued
		_ = json.Unmarshal(x.Record.Data, &w)
		to := x.Team
		if x.Assignee != nil {
			to = []domain.AgentState{*x.Assignee}
		}
		for _, a := range to {
			if m, ok := agentMail(a, s, x.Record.Type, w.Clock, w.Due.UTC().Format(eventlog.TimeFormat)); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func (n *Notifier) link(s domain.TicketState) string {
	code := ""
	if n.o.AccessCode != nil {
		code = n.o.AccessCode(s.ID)
	}
	return portalLink(n.o.PortalURL, s.Number, code)
}

// detail is the part of a customer's mail that comes from the event itself.
func detail(x Notice) string {
	var d struct {
		Reason     string `json:"reason"`
		Resolution string `json:"resolution"`
		AgentName  string `json:"agent_name"`
	}
	_ = json.Unmarshal(x.Record.Data, &d)
	switch x.Record.Type {
	case domain.TypeTicketAssigned:
		return d.AgentName
	case domain.TypeTicketAwaitingCustomer:
		return d.Reason
	case domain.TypeTicketResolved:
		return d.Resolution
	}
	return ""
}
