package service

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/ticketengine/ticketengine/adapters/policyfile"
	"github.com/ticketengine/ticketengine/adapters/smtp"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/policy"
)

// PolicyConfig configures the automatic policies: routing and notifications. The SLA
// targets and rules come from the policy file (--sla-policy).
type PolicyConfig struct {
	// Disabled runs no policies in this process (--policies=false / TICKETS_POLICIES=false):
	// a command-only node; {"auto":true} is then unavailable here.
	Disabled      bool
	Routing       bool     // --routing / TICKETS_ROUTING (default on)
	SMTPURL       string   // --smtp-url / TICKETS_SMTP_URL: smtp://[user:pass@]host:port; log: = to the log; empty = no mail
	SMTPFrom      string   // --smtp-from / TICKETS_SMTP_FROM
	PortalURL     string   // --portal-url / TICKETS_PORTAL_URL: base of the help center, for the links in customers' mails
	PublicURL     string   // --public-url / TICKETS_PUBLIC_URL: base of staff links in mails ({base}/desk/tickets/{id})
	MailTemplates string   // --mail-templates / TICKETS_MAIL_TEMPLATES: directory of <kind>.<lang>.tmpl overrides
	Webhooks      []string // --webhooks / TICKETS_WEBHOOKS: comma-separated URLs
	// Staff, when set, is the directory mails find assignees and supervisors in; by
	// default the policy engine's view of agents, which knows no supervisors.
	Staff         policy.StaffDirectory
	WebhookSecret string // TICKETS_WEBHOOK_SECRET (environment only: a secret)
	// Shifts: --shift-margin and --shift-handover (shifts.go).
	Shifts      policy.ShiftOptions
	shiftEnvErr error
}

func (p *PolicyConfig) registerFlags(fs *flag.FlagSet, env func(name, def string) string) {
	on := func(name string) bool {
		v, err := strconv.ParseBool(env(name, "true"))
		return err != nil || v
	}
	fs.BoolFunc("policies", "run the SLA monitor, rules, routing and notifications in this process (default true) [TICKETS_POLICIES]", func(v string) error {
		b, err := strconv.ParseBool(v)
		p.Disabled = !b
		return err
	})
	p.Disabled = !on("TICKETS_POLICIES")
	fs.BoolVar(&p.Routing, "routing", on("TICKETS_ROUTING"), "assign classified tickets automatically by skill and load [TICKETS_ROUTING]")
	fs.StringVar(&p.SMTPURL, "smtp-url", env("TICKETS_SMTP_URL", ""), "mail server for notifications, `smtp://host:port`; log: writes each mail to the log instead (trying the engine); empty = none [TICKETS_SMTP_URL]")
	fs.StringVar(&p.SMTPFrom, "smtp-from", env("TICKETS_SMTP_FROM", "tickets@localhost"), "sender `address` of notifications [TICKETS_SMTP_FROM]")
	fs.StringVar(&p.PortalURL, "portal-url", env("TICKETS_PORTAL_URL", "http://127.0.0.1:8080/help"), "base `URL` of the help center (the pages under /help), for the links in customers' mails [TICKETS_PORTAL_URL]")
	fs.StringVar(&p.PublicURL, "public-url", env("TICKETS_PUBLIC_URL", "http://127.0.0.1:8080"), "base `URL` of this server as staff reach it, for the desk links in agents' and supervisors' mails [TICKETS_PUBLIC_URL]")
	fs.StringVar(&p.MailTemplates, "mail-templates", env("TICKETS_MAIL_TEMPLATES", ""), "`directory` of mail templates (<kind>.<lang>.tmpl) that replace the built-in ones by name; checked at start [TICKETS_MAIL_TEMPLATES]")
	fs.Func("webhooks", "comma-separated `URLs` that receive every event [TICKETS_WEBHOOKS]", func(v string) error {
		p.Webhooks = splitList(v)
		return nil
	})
	p.Webhooks = splitList(env("TICKETS_WEBHOOKS", ""))
	p.WebhookSecret = env("TICKETS_WEBHOOK_SECRET", "")
	p.registerShiftFlags(fs, env)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p PolicyConfig) validate() error {
	if err := p.validateShifts(); err != nil {
		return err
	}
	if p.SMTPURL != "" && p.SMTPURL != smtp.LogURL {
		u, err := url.Parse(p.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			return fmt.Errorf("--smtp-url: %q is not smtp://host:port or log:", p.SMTPURL)
		}
	}
	if p.PublicURL != "" {
		if u, err := url.Parse(p.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--public-url: %q is not an http(s) URL", p.PublicURL)
		}
	}
	if p.MailTemplates != "" {
		if _, err := policy.LoadTemplates(p.MailTemplates); err != nil {
			return fmt.Errorf("--mail-templates: %w", err)
		}
	}
	for _, w := range p.Webhooks {
		u, err := url.Parse(w)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--webhooks: %q is not an http(s) URL", w)
		}
	}
	if len(p.Webhooks) > 0 && p.WebhookSecret == "" {
		return fmt.Errorf("TICKETS_WEBHOOK_SECRET is required with --webhooks: receivers verify the signature with it")
	}
	return nil
}

// policies builds the policy engine (SLA monitor, rules, router), the mail notifier and
// the webhook relays on the command dependencies, and adds them to the background work.
// The caller gives the engine's Router to the commands and then the commands to it. It
// returns nil when policies are disabled in this process.
func (s *Service) policies(deps command.Config, pols policyfile.Policies) (*policy.Engine, error) {
	c := s.Config.Policies
	if c.Disabled {
		return nil, nil
	}
	log := s.Log.With("component", "policies")
	var notifier policy.NoticeSink
	var mails *policy.Notifier
	if c.SMTPURL != "" {
		var mailer policy.Mailer
		var err error
		if c.SMTPURL == smtp.LogURL {
			mailer, err = smtp.NewLog(log, c.SMTPFrom)
		} else {
			mailer, err = smtp.New(smtp.Config{URL: c.SMTPURL, From: c.SMTPFrom, ReplyTo: s.Config.Inbound.replyTo()})
		}
		if err != nil {
			return nil, fmt.Errorf("--smtp-url: %w", err)
		}
		n, err := c.notifier(deps, mailer, log, s.leases != nil)
		if err != nil {
			return nil, err
		}
		s.background = append(s.background, n.Run) // (standing by, on several nodes, until it leads)
		notifier, mails = n, n
	}
	if err := s.outbox(deps, mails, log); err != nil {
		return nil, err
	}
	engine := policy.New(policy.Options{
		Store: deps.Store, Clock: deps.Clock, Policy: pols.SLA, Rules: pols.Rules,
		Routing: c.Routing, Notifier: notifier, Log: log, Standby: s.leases != nil,
		Checkpoints: s.checkpointsIfLeased(), Shifts: c.shiftOptions(),
	})
	if mails != nil {
		staff := c.Staff
		if staff == nil {
			staff = engine.Staff()
		}
		mails.SetStaff(staff)
		s.mails, s.engineStaff = mails, engine.Staff()
	}
	if s.leases != nil { // every node follows (the router's view); the leaseholder acts
		s.background = append(s.background, s.underLease(leasePolicies, engine.Lead))
	}
	s.background = append(s.background, s.underLease(leaseShifts, engine.RunShifts))
	s.background = append(s.background, engine.Run, func(ctx context.Context) error {
		select { // as after the read models' catch-up (readside.go): return its garbage now
		case <-engine.Ready():
			debug.FreeOSMemory()
		case <-ctx.Done():
		}
		return nil
	})
	registerPolicyMetrics(s.Registry, engine, mails)
	return engine, nil
}

// notifier builds the mail notifier: the templates (built-in, or the operator's from
// --mail-templates, refused here when one does not render), links and Message-IDs.
func (p PolicyConfig) notifier(deps command.Config, mailer policy.Mailer, log *slog.Logger, standby bool) (*policy.Notifier, error) {
	tpl, err := policy.LoadTemplates(p.MailTemplates)
	if err != nil {
		return nil, fmt.Errorf("--mail-templates: %w", err)
	}
	domain := messageIDDomain(p.SMTPFrom)
	return policy.NewNotifier(policy.NotifierOptions{Mailer: mailer, Store: deps.Store, Clock: deps.Clock, Templates: tpl,
		PortalURL: p.PortalURL, PublicURL: p.PublicURL, MessageIDDomain: domain,
		AccessCode: deps.Secrets.AccessCode, ConfirmToken: deps.Secrets.ConfirmToken, Log: log, Standby: standby}), nil
}
