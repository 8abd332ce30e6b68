package imapmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// Taker takes a message in: application/inbound's Intake.
type Taker interface {
	Take(ctx context.Context, m inbound.Message) (inbound.Result, error)
}

// Reader reads one mailbox: every unseen mail is taken in (Taker), then flagged \Seen;
// a mail it will not take is moved to the refused folder. A mail is flagged or moved only
// after it is stored, so a crash in between leaves it unseen, and the next pass (this
// node's or another's) takes it again, which Take makes a repeat. A mail Take fails on
// is left unseen and tried again later while the mail behind it is taken; one that keeps
// failing is moved aside (retries.go).
type Reader struct {
	box   Mailbox
	in    Taker
	id    Identity
	log   *slog.Logger
	rate  SenderLimit
	retry *retries
	now   func() time.Time
	batch int
	// validity is the selected mailbox's UIDVALIDITY: with a UID it names a mail.
	validity uint32
}

// errNotTaken marks a mail Take failed on with an error that may pass: it stays unseen.
var errNotTaken = errors.New("mail not taken; tried again later")

// outageRun is how many mails in a row may fail with none taken before a pass stops:
// past it the store is likely down, and trying the rest of the mailbox only adds load.
const outageRun = 3

// NewReader returns the reader of box, taking mail into in. id names our own addresses
// and Message-ID domain; box.Address is added to its addresses.
func NewReader(box Mailbox, in Taker, id Identity, log *slog.Logger) *Reader {
	if box.Attempts <= 0 { // a Mailbox not from ParseMailboxes: the defaults
		box.Attempts = 5
	}
	if box.Retry <= 0 {
		box.Retry = time.Minute
	}
	if box.Address != "" {
		id.Addresses = append(append([]string(nil), id.Addresses...), box.Address)
	}
	return &Reader{box: box, in: in, id: id, log: log.With("mailbox", box.Name),
		rate: NewSenderLimit(box, access.NewMemoryCounters()), retry: newRetries(box.Attempts, box.Retry), now: time.Now, batch: 50}
}

// LimitSenders makes the reader count its senders' mail in l (NewSenderLimit on shared
// counters) instead of in this process alone. Call it before Run.
func (r *Reader) LimitSenders(l SenderLimit) { r.rate = l }

// GaveUp is how many mails this reader moved aside after Take failed on them
// box.Attempts times (poison mail): the metric tickets_mail_poison_total.
func (r *Reader) GaveUp() int64 { return r.retry.gaveUp.Load() }

// Run reads the mailbox until ctx ends: a pass over the unseen mail, then IDLE until the
// server says something changed (or polling, when it has no IDLE), and again. A lost
// connection is opened again after a pause.
func (r *Reader) Run(ctx context.Context) error {
	pause := time.Second
	for ctx.Err() == nil {
		err := r.session(ctx)
		if ctx.Err() != nil {
			break
		}
		r.log.WarnContext(ctx, "mailbox: connection ended; connecting again", "err", err, "in", pause)
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(pause*2, time.Minute)
	}
	return ctx.Err()
}

// session is one connection's life: login, select, then passes until an error.
func (r *Reader) session(ctx context.Context) error {
	changed := make(chan struct{}, 1)
	c, err := r.dial(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if err := r.open(c); err != nil {
		return err
	}
	idle := c.Caps().Has(imap.CapIdle)
	for {
		if _, err := r.pass(ctx, c); err != nil {
			return err
		}
		if err := r.wait(ctx, c, idle, changed); err != nil {
			return err
		}
	}
}

// dial connects and logs in; onChange is called when the server reports new mail.
func (r *Reader) dial(onChange func()) (*imapclient.Client, error) {
	opts := &imapclient.Options{
		TLSConfig: &tls.Config{InsecureSkipVerify: r.box.InsecureSkipVerify}, //nolint:gosec // only with ?tls=insecure
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					onChange()
				}
			},
			// A mail already there can become unseen (a client, or a delivery that
			// files a mail before it flags it, takes \Seen off): the server says so with
			// a FETCH of its flags, not with EXISTS, and a pass run on the EXISTS alone
			// would have found it still seen and left it until the next new mail.
			Fetch: func(msg *imapclient.FetchMessageData) {
				if becameUnseen(msg) {
					onChange()
				}
			},
		},
	}
	var c *imapclient.Client
	var err error
	if r.box.TLS {
		c, err = imapclient.DialTLS(r.box.Addr, opts)
	} else {
		c, err = imapclient.DialInsecure(r.box.Addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", r.box.Addr, err)
	}
	if err := c.Login(r.box.User, r.box.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login as %s: %w", r.box.User, err)
	}
	return c, nil
}

// becameUnseen reads a FETCH the server sent unasked and says whether it reports a mail's
// flags without \Seen. It reads the whole response: the client waits for that.
func becameUnseen(msg *imapclient.FetchMessageData) bool {
	unseen := false
	for item := msg.Next(); item != nil; item = msg.Next() {
		if f, ok := item.(imapclient.FetchItemDataFlags); ok {
			unseen = !slices.Contains(f.Flags, imap.FlagSeen) && !slices.Contains(f.Flags, imap.FlagDeleted)
		}
	}
	return unseen
}

// open makes the refused folder (if missing) and selects the mailbox.
func (r *Reader) open(c *imapclient.Client) error {
	_ = c.Create(r.box.Refused, nil).Wait() // exists already, mostly
	data, err := c.Select(r.box.Folder, nil).Wait()
	if err != nil {
		return fmt.Errorf("select %s: %w", r.box.Folder, err)
	}
	r.validity = data.UIDValidity
	return nil
}

// wait waits for new mail: IDLE until the server reports some (or 5 minutes: servers end
// an IDLE after 30), else the polling interval; either way no longer than until a failed
// mail is due again.
func (r *Reader) wait(ctx context.Context, c *imapclient.Client, idle bool, changed <-chan struct{}) error {
	limit := 5 * time.Minute
	if !idle {
		limit = r.box.Poll
	}
	if next := r.retry.nextDue(); !next.IsZero() {
		limit = max(min(limit, next.Sub(r.now())), 100*time.Millisecond)
	}
	if !idle {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(limit):
			return nil
		}
	}
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-changed:
	case <-time.After(limit):
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	return ctx.Err()
}

// Pass connects, takes in every unseen mail once, and disconnects: one pass of Run, for
// tests and benchmarks. It returns how many mails it handled.
func (r *Reader) Pass(ctx context.Context) (int, error) {
	c, err := r.dial(func() {})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := r.open(c); err != nil {
		return 0, err
	}
	return r.pass(ctx, c)
}

// pass takes in the unseen mail, in batches; a failed mail whose pause is not over is
// left for a later pass.
func (r *Reader) pass(ctx context.Context, c *imapclient.Client) (int, error) {
	data, err := c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen, imap.FlagDeleted}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	all := data.AllUIDs()
	r.retry.keepOnly(r.validity, all)
	now := r.now()
	var uids []imap.UID
	for _, u := range all {
		if r.retry.due(mailKey{r.validity, u}, now) {
			uids = append(uids, u)
		}
	}
	done, failedRun := 0, 0
	for len(uids) > 0 {
		n := min(len(uids), r.batch)
		k, err := r.batchOf(ctx, c, uids[:n], &failedRun)
		done += k
		if err != nil {
			return done, err
		}
		uids = uids[n:]
	}
	return done, nil
}

var wholeMail = &imap.FetchItemBodySection{Peek: true}

// batchOf handles a batch of mails; failedRun counts the mails failed in a row, across
// the pass's batches.
func (r *Reader) batchOf(ctx context.Context, c *imapclient.Client, uids []imap.UID, failedRun *int) (int, error) {
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{wholeMail}}).Collect()
	if err != nil {
		return 0, fmt.Errorf("fetch: %w", err)
	}
	done := 0
	for _, msg := range msgs {
		if ctx.Err() != nil {
			return done, ctx.Err()
		}
		err := r.one(ctx, c, msg.UID, msg.FindBodySection(wholeMail))
		switch {
		case errors.Is(err, errNotTaken):
			if *failedRun++; *failedRun >= outageRun {
				return done, fmt.Errorf("%d mails in a row not taken, the store may be down: %w", *failedRun, err)
			}
		case err != nil:
			return done, err
		default:
			*failedRun = 0
			done++
		}
	}
	return done, nil
}

// one takes in one mail and then flags it seen, or moves it to the refused folder with
// the reason logged. A failure to store it leaves it unseen for the next pass.
func (r *Reader) one(ctx context.Context, c *imapclient.Client, uid imap.UID, raw []byte) error {
	k := mailKey{r.validity, uid}
	mail := Parse(raw, r.box.Name, r.id)
	m := &mail.Message
	m.Team, m.Customer.Language = r.box.Team, r.box.Language
	last, poison := r.retry.exhausted(k)
	if poison {
		mail.Refused = fmt.Sprintf("%s after %d attempts: %s", RefusedFailing, r.box.Attempts, last)
	}
	// A mail tried before was counted then: its retries do not count against its sender.
	if mail.Refused == "" && m.Kind == inbound.KindMessage && !r.retry.known(k) && !r.allowSender(m.Customer.Email) {
		mail.Refused = RefusedRate
	}
	if mail.Refused == "" {
		res, err := r.in.Take(ctx, *m)
		switch {
		case err == nil:
			r.retry.taken(k)
			r.log.InfoContext(ctx, "mailbox: mail taken", "message_id", m.ID, "outcome", res.Outcome,
				"ticket", res.TicketID, "repeat", res.Repeat)
			return r.seen(c, uid)
		case refusedByIntake(err):
			mail.Refused = err.Error()
		case ctx.Err() != nil:
			return ctx.Err()
		default:
			r.retry.failed(k, err, r.now())
			r.log.WarnContext(ctx, "mailbox: mail not taken; it stays unseen and is tried again later",
				"message_id", m.ID, "uid", uid, "err", err)
			return fmt.Errorf("take %s: %w (%w)", m.ID, errNotTaken, err)
		}
	}
	r.log.WarnContext(ctx, "mailbox: mail refused", "message_id", m.ID, "from", m.Customer.Email,
		"reason", mail.Refused, "moved_to", r.box.Refused)
	if _, err := c.Move(imap.UIDSetNum(uid), r.box.Refused).Wait(); err != nil {
		return fmt.Errorf("move %s to %s: %w", m.ID, r.box.Refused, err)
	}
	r.retry.forget(k, poison)
	return nil
}

// refusedByIntake reports whether Take refused the message itself (it will never take
// it), rather than failed to store it (the next pass tries again).
func refusedByIntake(err error) bool {
	if errors.Is(err, inbound.ErrNoTicket) {
		return true
	}
	switch errs.KindOf(err) {
	case errs.Validation, errs.Malformed:
		return true
	}
	return false
}

func (r *Reader) seen(c *imapclient.Client, uid imap.UID) error {
	err := c.Store(imap.UIDSetNum(uid), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close()
	if err != nil {
		return fmt.Errorf("flag seen: %w", err)
	}
	return nil
}
