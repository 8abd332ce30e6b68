package policy

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

// Mail is one plain-text message, threaded: MessageID is stable (the same on every send
// of this mail), InReplyTo and References name the ticket's thread root. All three are
// in angle brackets.
type Mail struct {
	To         string
	Subject    string
	Body       string
	MessageID  string
	InReplyTo  string
	References []string
}

// Mailer sends mail (adapters/smtp). It is called only from the notifier's own goroutine,
// never from a command, so a slow or down mail server never slows commands.
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// NotifierOptions configure a Notifier.
type NotifierOptions struct {
	Mailer Mailer
	// Store keeps the notifier's claims (see NotificationStream) and gives the tickets'
	// streams when a mail needs more than the notice carries; required.
	Store     eventlog.EventStore
	Clock     application.Clock
	Templates *Templates // default DefaultTemplates()
	// Staff finds assignees and supervisors (see StaffDirectory); SetStaff may set it later.
	Staff     StaffDirectory
	PortalURL string // base of the customer's link, e.g. https://support.example.com/portal
	// PublicURL is the base of staff links: {PublicURL}/desk/tickets/{id}.
	PublicURL string
	// MessageIDDomain is the right-hand side of Message-IDs (the sender's domain); default localhost.
	MessageIDDomain string
	// AccessCode gives a ticket's portal access code, for the link (auth.Secrets).
	AccessCode func(uuid.UUID) string
	// ConfirmToken gives the token that confirms a self-service ticket's address
	// (auth.Secrets.ConfirmToken): the receipt mail of an unverified ticket links to
	// {PortalURL}/tickets/{number}/confirm?code=&token= instead of the plain portal link.
	ConfirmToken func(uuid.UUID) string
	Queue        int // bounded queue length; default 1024
	Attempts     int // sends per mail before it is given up on; default 5
	Backoff      time.Duration
	// ResendAfter is how old a claim with no recorded send must be before a restarted
	// notifier takes it for lost and sends its mails again; default 5 minutes, longer than
	// a send with its retries takes, so a live process's send in flight is not repeated.
	ResendAfter time.Duration
	// Grace is how long a stopping notifier may finish the mails of the notice in hand
	// (and record them sent), so a clean shutdown leaves nothing in doubt; default 10 s.
	Grace time.Duration
	// Standby: this node sends only while Lead runs (under the outbox's lease, on one node
	// of several sharing the store); meanwhile it holds the notices the engine makes, so
	// that a hand-over loses none (notifier_lead.go). Without it the notifier sends from
	// the start, as the one node of its store.
	Standby bool
	// Hold is how many notices a standby notifier holds at most; default 10,000.
	Hold int
	Log  *slog.Logger
}

// Notifier turns notices into mails (see mail_compose.go for which, to whom): notices wait
// in a bounded queue; when it is full new ones are dropped and counted, rather than
// holding up the engine. Delivery is claimed, sent, then recorded (notifier_claims.go).
type Notifier struct {
	o      NotifierOptions
	tpl    *Templates
	staff  StaffDirectory
	claims *claims
	queue  chan Notice
	// redo are the in-doubt positions found at Resume; watch holds their notices until
	// their claims are old enough to be re-sent (recover.go).
	redo    map[uint64]bool
	watch   []Notice
	timer   *time.Timer
	dropped atomic.Int64
	failed  atomic.Int64
	resent  atomic.Int64
	// lead hands Lead's request to Run's goroutine, which owns everything above; held are
	// the notices a standby notifier keeps for when it leads.
	lead chan leadRequest
	held []Notice
	// resumed is closed by Resume (the engine's, at its start): only then does a standby
	// notifier read the claims itself (it then owns them).
	resumed     chan struct{}
	resumedOnce sync.Once
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
	if o.ResendAfter <= 0 {
		o.ResendAfter = 5 * time.Minute
	}
	if o.Grace <= 0 {
		o.Grace = 10 * time.Second
	}
	if o.Hold <= 0 {
		o.Hold = 10_000
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Clock == nil {
		o.Clock = application.SystemClock{}
	}
	if o.Templates == nil {
		o.Templates = DefaultTemplates()
	}
	if o.MessageIDDomain == "" {
		o.MessageIDDomain = "localhost"
	}
	o.MessageIDDomain = strings.Trim(o.MessageIDDomain, "<>@ \r\n")
	return &Notifier{o: o, tpl: o.Templates, staff: o.Staff, claims: &claims{store: o.Store, clock: o.Clock},
		queue: make(chan Notice, o.Queue), redo: map[uint64]bool{}, lead: make(chan leadRequest), resumed: make(chan struct{})}
}

// SetStaff sets the directory of staff (before Run): the builder makes the engine, whose
// view is today's directory, after the notifier it feeds.
func (n *Notifier) SetStaff(s StaffDirectory) { n.staff = s }

// Resume reads the durable progress: the engine makes notices of records after the
// returned position, and of the in-doubt positions again (claimed, never recorded sent).
// With no progress recorded yet (a first start) it returns 0, and the engine skips
// records older than FreshFor instead of mailing all of history.
func (n *Notifier) Resume(ctx context.Context) (uint64, []uint64, error) {
	if err := n.claims.load(ctx); err != nil {
		return 0, nil, err
	}
	defer n.resumedOnce.Do(func() { close(n.resumed) })
	var again []uint64
	for pos, oc := range n.claims.open {
		if oc.resend {
			n.o.Log.Warn("mails not sent again: their re-send was claimed and never recorded sent", slog.Uint64("position", pos))
			continue
		}
		n.redo[pos] = true
		again = append(again, pos)
	}
	return n.claims.last, again, nil
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

// Dropped, Failed and Resent count notices dropped on a full queue, mails given up on,
// and notices whose mails were sent again after a crash.
func (n *Notifier) Dropped() int64 { return n.dropped.Load() }
func (n *Notifier) Failed() int64  { return n.failed.Load() }
func (n *Notifier) Resent() int64  { return n.resent.Load() }

// Run sends mails until ctx ends; the notice in hand then has Grace to be finished. A
// Standby notifier sends only while Lead runs.
func (n *Notifier) Run(ctx context.Context) error {
	n.timer = time.NewTimer(time.Hour)
	n.timer.Stop()
	defer n.timer.Stop()
	if n.o.Standby {
		return n.standBy(ctx)
	}
	return n.send(ctx)
}

// send is the sending loop until ctx ends.
func (n *Notifier) send(ctx context.Context) error {
	work, stop := outlive(ctx, n.o.Grace, true)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case x := <-n.queue:
			switch {
			case ctx.Err() == nil:
				n.handle(work, x)
			case n.o.Standby: // the lease ended: keep it for when this node leads again
				n.hold(x)
			}
		case <-n.timer.C:
			n.recoverDue(work)
		}
	}
}

func (n *Notifier) handle(ctx context.Context, x Notice) {
	if n.redo[x.Record.Position] {
		delete(n.redo, x.Record.Position)
		n.watch = append(n.watch, x)
		n.recoverDue(ctx)
		return
	}
	if n.resendInDoubt(ctx, x) {
		return
	}
	won, err := n.claims.claim(ctx, x.Record.Position, x.Record.ID)
	if errors.Is(err, ErrFenced) {
		n.o.Log.Warn("notification not claimed: a newer leaseholder sends", slog.String("event", x.Record.ID.String()))
		return
	}
	if err != nil {
		n.o.Log.Error("notification not claimed; skipped", slog.String("event", x.Record.ID.String()), slog.Any("err", err))
		return
	}
	if won { // else another process mails this one
		n.deliver(ctx, x)
	}
}

// deliver words and sends the notice's mails, then records them sent. Stopped midway
// (ctx ended), it records nothing: the claim stays in doubt and the next start re-sends.
func (n *Notifier) deliver(ctx context.Context, x Notice) {
	mails, err := n.mails(ctx, x)
	if err != nil {
		n.o.Log.Error("mails not worded", slog.String("event", x.Record.ID.String()), slog.Any("err", err))
		return
	}
	failed := 0
	for _, m := range mails {
		if !n.sendOne(ctx, m) {
			if ctx.Err() != nil {
				return
			}
			failed++
		}
	}
	if err := n.claims.sent(ctx, x.Record.Position, x.Record.ID, len(mails), failed); err != nil {
		n.o.Log.Error("mails sent but not recorded; a restart sends them again", slog.String("event", x.Record.ID.String()), slog.Any("err", err))
	}
}

// sendOne tries one mail with backoff (the outbox's one retry rule, Retry); false when
// it was given up on (or ctx ended).
func (n *Notifier) sendOne(ctx context.Context, m Mail) bool {
	err := Retry{Min: n.o.Backoff, Max: time.Minute, Attempts: n.o.Attempts}.Do(ctx, func(ctx context.Context) error {
		return n.o.Mailer.Send(ctx, m)
	})
	if err != nil && ctx.Err() == nil {
		n.failed.Add(1)
		n.o.Log.Error("mail not sent", slog.String("to", m.To), slog.String("subject", m.Subject), slog.String("message_id", m.MessageID), slog.Any("err", err))
	}
	return err == nil
}
