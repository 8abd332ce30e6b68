package service

import (
	"flag"
	"fmt"
	"net/mail"
	"strings"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/adapters/imapmail"
)

// InboundConfig is what comes in by itself (docs/CHANNELS.md): the signed channels of
// POST /channels/{name}/messages and the support mailboxes read over IMAP.
type InboundConfig struct {
	// Channels is --channels / TICKETS_CHANNELS: name=channel:secret,… (the secrets make
	// the environment the better place for it).
	Channels string
	// Mailboxes is --mailboxes / TICKETS_MAILBOXES: imap[s]://user:pass@host:port/MAILBOX
	// URLs, space-separated (mailboxes.go).
	Mailboxes string
	// ReplyTo is --reply-to / TICKETS_REPLY_TO: the Reply-To of the mail we send; "" is
	// the first mailbox's address, when one is configured.
	ReplyTo string
}

func (c *InboundConfig) registerFlags(fs *flag.FlagSet, env func(name, def string) string) {
	fs.StringVar(&c.Channels, "channels", env("TICKETS_CHANNELS", ""), "signed intake channels: comma-separated `name=channel:secret` (wechat=chat:…); better set in the environment [TICKETS_CHANNELS]")
	fs.StringVar(&c.ReplyTo, "reply-to", env("TICKETS_REPLY_TO", ""), "Reply-To `address` of the mail sent to customers; empty = the first mailbox's address [TICKETS_REPLY_TO]")
	fs.StringVar(&c.Mailboxes, "mailboxes", env("TICKETS_MAILBOXES", ""), "support mailboxes to read: space-separated `imap[s]://user:pass@host:port/MAILBOX?team=…&language=…` URLs; better set in the environment [TICKETS_MAILBOXES]")
}

func (c InboundConfig) validate() error {
	if _, err := httpapi.ParseChannels(c.Channels); err != nil {
		return fmt.Errorf("--channels: %w", err)
	}
	if _, err := imapmail.ParseMailboxes(c.Mailboxes); err != nil {
		return fmt.Errorf("--mailboxes: %w", err)
	}
	if c.ReplyTo != "" {
		if _, err := mail.ParseAddress(c.ReplyTo); err != nil {
			return fmt.Errorf("--reply-to: %q is not an address", c.ReplyTo)
		}
	}
	return nil
}

// replyTo is the Reply-To of our mail: as configured, else the first mailbox's address.
func (c InboundConfig) replyTo() string {
	if c.ReplyTo != "" {
		return c.ReplyTo
	}
	boxes, err := imapmail.ParseMailboxes(c.Mailboxes)
	if err == nil && len(boxes) > 0 {
		return boxes[0].Address
	}
	return ""
}

// messageIDDomain is the right-hand side of our Message-IDs: the sender address's domain
// (the notifier's, and what the mailboxes recognise as ours in a reply's References).
func messageIDDomain(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			return d
		}
	}
	return "localhost"
}
