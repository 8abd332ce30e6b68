package imapmail

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/application"
)

// Mailbox is one support mailbox to read: imap:// (plain: a server on the same host or
// network only) or imaps:// (TLS) user:pass@host:port/MAILBOX, with options
// in the query: team and language of the tickets it opens, the folder refused mail is
// moved to (refused, default "Refused"), the polling interval when the server has no
// IDLE (poll, default 30s), the mails one sender may send an hour (rate, default 30),
// address, our own address on it (mail from it is a loop; default the user when it is an
// address), and for a mail taking in fails on: how many attempts before it is moved to
// the refused folder (attempts, default 5) and the first pause between them (retry,
// default 1m, doubled after each).
type Mailbox struct {
	Name               string // "mail:<user>" unless ?name=: the tickets' source
	Addr               string // host:port
	TLS                bool
	User, Password     string
	Folder             string
	Team, Language     string
	Refused            string
	Poll               time.Duration
	Rate               int
	Attempts           int
	Retry              time.Duration
	Address            string
	InsecureSkipVerify bool // ?tls=insecure: a test server's self-signed certificate
}

// ParseMailboxes reads the --mailboxes / TICKETS_MAILBOXES setting: URLs separated by
// spaces or newlines.
func ParseMailboxes(spec string) ([]Mailbox, error) {
	var out []Mailbox
	seen := map[string]bool{}
	for _, raw := range strings.Fields(spec) {
		b, err := parseMailbox(raw)
		if err != nil {
			return nil, fmt.Errorf("%w: mailboxes: %v", application.ErrConfig, err)
		}
		if seen[b.Name] {
			return nil, fmt.Errorf("%w: mailboxes: %s is configured twice (give one ?name=)", application.ErrConfig, b.Name)
		}
		seen[b.Name] = true
		out = append(out, b)
	}
	return out, nil
}

func parseMailbox(raw string) (Mailbox, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Mailbox{}, fmt.Errorf("not a URL (%v)", redact(err))
	}
	b := Mailbox{Addr: u.Host, Folder: strings.TrimPrefix(u.Path, "/"), Refused: "Refused", Poll: 30 * time.Second, Rate: 30,
		Attempts: 5, Retry: time.Minute}
	switch u.Scheme {
	case "imaps":
		b.TLS = true
		if u.Port() == "" {
			b.Addr += ":993"
		}
	case "imap":
		if u.Port() == "" {
			b.Addr += ":143"
		}
	default:
		return b, fmt.Errorf("%s://…: the scheme is not imap or imaps", u.Scheme)
	}
	if u.User == nil || u.User.Username() == "" || u.Hostname() == "" {
		return b, fmt.Errorf("%s://%s: user and host are required", u.Scheme, u.Host)
	}
	b.User = u.User.Username()
	b.Password, _ = u.User.Password()
	if b.Folder == "" {
		b.Folder = "INBOX"
	}
	q := u.Query()
	b.Name = "mail:" + strings.ToLower(b.User)
	if n := q.Get("name"); n != "" {
		b.Name = "mail:" + n
	}
	b.Team, b.Language = q.Get("team"), q.Get("language")
	if b.Language != "" && b.Language != "zh" && b.Language != "en" {
		return b, fmt.Errorf("%s: language %q is not zh or en", b.Name, b.Language)
	}
	if v := q.Get("refused"); v != "" {
		b.Refused = v
	}
	if v := q.Get("poll"); v != "" {
		if b.Poll, err = time.ParseDuration(v); err != nil || b.Poll < time.Second {
			return b, fmt.Errorf("%s: poll %q is not a duration of a second or more", b.Name, v)
		}
	}
	if v := q.Get("rate"); v != "" {
		if b.Rate, err = strconv.Atoi(v); err != nil || b.Rate < 1 {
			return b, fmt.Errorf("%s: rate %q is not a number of mails an hour", b.Name, v)
		}
	}
	if v := q.Get("attempts"); v != "" {
		if b.Attempts, err = strconv.Atoi(v); err != nil || b.Attempts < 1 {
			return b, fmt.Errorf("%s: attempts %q is not a number of one or more", b.Name, v)
		}
	}
	if v := q.Get("retry"); v != "" {
		if b.Retry, err = time.ParseDuration(v); err != nil || b.Retry <= 0 {
			return b, fmt.Errorf("%s: retry %q is not a positive duration", b.Name, v)
		}
	}
	b.Address = q.Get("address")
	if b.Address == "" && strings.Contains(b.User, "@") {
		b.Address = b.User
	}
	b.InsecureSkipVerify = q.Get("tls") == "insecure"
	return b, nil
}

// redact keeps a URL's password out of an error message.
func redact(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return "malformed"
}
