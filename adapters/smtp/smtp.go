// Package smtp sends the policies' mails over SMTP with the standard library's net/smtp
// client: plain-text UTF-8 (base64, so Chinese survives every relay), subject encoded per
// RFC 2047, the notifier's threading headers (Message-ID, In-Reply-To, References),
// STARTTLS when the server offers it, and AUTH PLAIN when the URL has a user.
// LogMailer, behind the same port, writes them to the log instead (--smtp-url log:).
package smtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/policy"
)

// Config names the server (smtp://[user:password@]host:port, or smtps:// for TLS from
// the first byte) and the sender.
type Config struct {
	URL     string
	From    string
	Timeout time.Duration // per mail; default 30 s
	// ReplyTo is the support address customers answer to (a mailbox ticketd reads:
	// docs/CHANNELS.md), when it is not From; "" sends no Reply-To.
	ReplyTo string
}

// Mailer implements policy.Mailer.
type Mailer struct {
	addr, host string
	implicit   bool
	auth       smtp.Auth
	from       mail.Address
	replyTo    *mail.Address
	timeout    time.Duration
}

var _ policy.Mailer = (*Mailer)(nil)

// New validates the configuration; it does not connect (the server may come up later).
func New(c Config) (*Mailer, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("smtp: %q is not smtp://host:port", c.URL)
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", c.From, err)
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"smtp": "25", "smtps": "465"}[u.Scheme]
	}
	m := &Mailer{addr: net.JoinHostPort(u.Hostname(), port), host: u.Hostname(), implicit: u.Scheme == "smtps", from: *from, timeout: c.Timeout}
	if m.timeout <= 0 {
		m.timeout = 30 * time.Second
	}
	if c.ReplyTo != "" {
		if m.replyTo, err = mail.ParseAddress(c.ReplyTo); err != nil {
			return nil, fmt.Errorf("smtp: reply-to %q: %w", c.ReplyTo, err)
		}
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		m.auth = smtp.PlainAuth("", u.User.Username(), pass, m.host)
	}
	return m, nil
}

// Send delivers one mail, within ctx and the configured timeout.
func (m *Mailer) Send(ctx context.Context, msg policy.Mail) error {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return fmt.Errorf("smtp: recipient %q: %w", msg.To, err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.addr)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	if m.implicit {
		conn = tls.Client(conn, &tls.Config{ServerName: m.host})
	}
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if err := m.transact(c, to, compose(m.from, *to, m.replyTo, msg)); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	// The server answered 250 to the end of DATA: the mail is its own now. A failed QUIT
	// (the connection dropped, a timeout) changes nothing, and reporting it would make the
	// outbox send the same mail again.
	_ = c.Quit()
	return nil
}

func (m *Mailer) transact(c *smtp.Client, to *mail.Address, body []byte) error {
	if ok, _ := c.Extension("STARTTLS"); ok && !m.implicit {
		if err := c.StartTLS(&tls.Config{ServerName: m.host}); err != nil {
			return err
		}
	}
	if m.auth != nil {
		if err := c.Auth(m.auth); err != nil {
			return err
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return err
	}
	if err := c.Rcpt(to.Address); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	return w.Close()
}

// compose builds the RFC 5322 message. Header values come from mail.Address and
// mime encoding, so a subject with CR or LF cannot inject headers. replyTo, when set, is
// the support mailbox: the customer's answer goes where ticketd reads it, and threads to
// the ticket by In-Reply-To and References.
func compose(from, to mail.Address, replyTo *mail.Address, msg policy.Mail) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	if replyTo != nil {
		header("Reply-To", replyTo.String())
	}
	header("Subject", mime.BEncoding.Encode("UTF-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(msg.Subject)))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	id := msgID(msg.MessageID)
	if id == "" {
		id = "<" + uuid.NewString() + "@" + domainOf(from.Address) + ">"
	}
	header("Message-ID", id)
	if r := msgID(msg.InReplyTo); r != "" {
		header("In-Reply-To", r)
	}
	var refs []string
	for _, r := range msg.References {
		if r = msgID(r); r != "" {
			refs = append(refs, r)
		}
	}
	if len(refs) > 0 {
		header("References", strings.Join(refs, " "))
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(msg.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}

// msgID keeps a message id only if it has the form <left@right> without spaces or
// line breaks (the notifier makes them; this keeps a header from being injected).
func msgID(id string) string {
	if len(id) < 5 || id[0] != '<' || id[len(id)-1] != '>' || !strings.Contains(id, "@") ||
		strings.ContainsAny(id[1:len(id)-1], "<> \t\r\n") {
		return ""
	}
	return id
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "localhost"
}
