package service

import (
	"context"
	"net/mail"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/inbound"
)

// openInbound builds the intake of messages that come in by themselves
// (application/inbound) and gives the API its signed channels.
func (s *Service) openInbound(cfg Config, opts *httpapi.Options) error {
	channels, err := httpapi.ParseChannels(cfg.Inbound.Channels)
	if err != nil {
		return err
	}
	var files inbound.Files
	if s.Attachments != nil {
		files = s.Attachments
	}
	s.Intake = inbound.New(s.Store, application.SystemClock{}, inbound.Commands{
		Receive: s.Commands.Receive, Reply: s.Commands.CustomerReply, AutoMessage: s.Commands.AutoMessage,
	}, files).WithAccessCodes(s.Secrets.AccessCode)
	opts.Channels, opts.Intake = channels, s.Intake
	return s.readMailboxes(cfg)
}

// leaseMailbox prefixes the lease of each mailbox's reader: one node reads a mailbox.
const leaseMailbox = "mailbox-"

// readMailboxes starts a reader for every configured mailbox, each under its own lease
// where the store is shared (docs/SCALING.md): one node reads a mailbox at a time, and
// another takes over when it dies. Our own addresses (the sender of our mail, each
// mailbox's) are loops; our Message-IDs' domain threads replies.
func (s *Service) readMailboxes(cfg Config) error {
	boxes, err := imapmail.ParseMailboxes(cfg.Inbound.Mailboxes)
	if err != nil {
		return err
	}
	id := imapmail.Identity{MessageIDDomain: messageIDDomain(cfg.Policies.SMTPFrom)}
	if a, err := mail.ParseAddress(cfg.Policies.SMTPFrom); err == nil {
		id.Addresses = append(id.Addresses, a.Address)
	}
	for _, b := range boxes {
		if b.Address != "" {
			id.Addresses = append(id.Addresses, b.Address)
		}
	}
	log := s.Log.With("component", "mailbox")
	var readers []*imapmail.Reader
	for _, b := range boxes {
		r := imapmail.NewReader(b, s.Intake, id, log)
		if s.limiters.counters != nil {
			// The sender's budget is shared: it holds when the lease passes to another node.
			l := imapmail.NewSenderLimit(b, s.limiters.counters)
			l.OnError = s.limiters.onError
			r.LimitSenders(l)
		}
		readers = append(readers, r)
		s.background = append(s.background, s.underLease(leaseMailbox+strings.TrimPrefix(b.Name, "mail:"),
			func(ctx context.Context, _ uint64) error { return r.Run(ctx) }))
	}
	if len(readers) > 0 {
		s.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "tickets_mail_poison_total",
			Help: "Mails moved to a refused folder by this process after taking them in failed on every attempt."},
			func() float64 {
				var n int64
				for _, r := range readers {
					n += r.GaveUp()
				}
				return float64(n)
			}))
	}
	return nil
}
