// Package imapmail reads support mailboxes over IMAP (emersion/go-imap/v2) and turns each
// mail (parsed with emersion/go-message) into an inbound.Message for application/inbound:
// the sender, the threading headers, the text as the customer wrote it (any charset,
// HTML made text, the quoted earlier mail trimmed), the attachments and inline images,
// and the raw message itself. docs/CHANNELS.md says how to connect a mailbox.
package imapmail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/mail"
	"regexp"
	"strings"
	"sync"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	gomail "github.com/emersion/go-message/mail"
	"github.com/google/uuid"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
)

// Reasons a mail is refused (moved to the refused folder, logged with the reason).
const (
	RefusedOwn      = "from our own address (a mail loop)"
	RefusedBulk     = "bulk or list mail (Precedence)"
	RefusedNoSender = "no sender address"
	RefusedRate     = "sender over the rate limit"
	RefusedFailing  = "taking it in failed" // a poison mail, moved aside after its attempts
)

// Scope is where a mail's Message-ID is unique: every mailbox shares it, so the same mail
// delivered to two support addresses is one message.
const Scope = "mail"

// Identity is what the parser must know of us: our addresses (mail from them is a loop)
// and the domain of our Message-IDs (<ticket-or-event-id@domain>: a reply naming one
// threads to its ticket).
type Identity struct {
	Addresses       []string
	MessageIDDomain string
}

// Mail is one parsed mail: the message to take in, or the reason it is refused.
type Mail struct {
	Message inbound.Message
	Refused string
}

var charsetsOnce sync.Once

// registerCharsets makes the labels Chinese mail carries decode as real mail means them:
// a "GB2312" mail written by a GBK client holds GBK characters, so the GB labels decode as
// GB18030 (their superset); Big5 as Big5.
func registerCharsets() {
	charsetsOnce.Do(func() {
		for _, l := range []string{"gb2312", "gbk", "x-gbk", "cp936", "gb18030", "euc-cn", "x-euc-cn"} {
			charset.RegisterEncoding(l, simplifiedchinese.GB18030)
		}
		for _, l := range []string{"big5", "x-big5", "big5-hkscs", "cp950"} {
			charset.RegisterEncoding(l, traditionalchinese.Big5)
		}
	})
}

// Parse reads one raw RFC 5322 mail. It never fails on content: a part that does not
// decode is left out, a header that does not parse is read as empty; mail is cleaned,
// never refused whole. It refuses only by policy (Mail.Refused): loops, bulk mail, no
// sender.
func Parse(raw []byte, source string, id Identity) Mail {
	registerCharsets()
	m := inbound.Message{Channel: domain.ChannelEmail, Source: source, Scope: Scope,
		Raw: &inbound.File{Name: "message.eml", ContentType: "message/rfc822", Data: raw}}
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) && mr == nil {
		// Not even a header: keep what is there as text, from nobody.
		return Mail{Message: m, Refused: RefusedNoSender}
	}
	h := mr.Header
	m.ID = messageID(h, raw)
	m.Subject = headerText(h, "Subject")
	from := sender(h)
	m.Customer = domain.Customer{Email: from.Address, Name: from.Name}
	m.Thread = threadOf(h, id, m.Subject)
	body := readBody(mr, &m)
	m.Body = body.text()
	m.Kind = kindOf(h, from.Address, body)
	if m.Kind == inbound.KindBounce {
		m.Thread.Tickets = append(m.Thread.Tickets, body.bounced(id)...)
		m.Thread.References = append(m.Thread.References, body.bouncedRefs...)
	}
	return Mail{Message: m, Refused: refusal(h, from.Address, m.Kind, id)}
}

// messageID is the mail's Message-ID without brackets, or, for a mail without one, a
// digest of the raw bytes with their line ends made LF (the same mail read twice, or
// stored by a server that keeps LF, is the same message).
func messageID(h gomail.Header, raw []byte) string {
	if v, err := h.MessageID(); err == nil && v != "" {
		return v
	}
	sum := sha256.Sum256(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// headerText decodes a header's encoded words (RFC 2047, any charset) into text.
func headerText(h gomail.Header, key string) string {
	v, err := h.Text(key)
	if err != nil {
		v = h.Get(key)
	}
	return v
}

// sender is the From address (else Sender, Reply-To is not trusted as the customer).
func sender(h gomail.Header) *mail.Address {
	for _, key := range []string{"From", "Sender"} {
		if list, err := h.AddressList(key); err == nil && len(list) > 0 {
			return list[0]
		}
		if a, err := mail.ParseAddress(h.Get(key)); err == nil {
			return a
		}
	}
	return &mail.Address{}
}

// numberInSubject is a ticket number as our mails put it in their subjects.
var numberInSubject = regexp.MustCompile(`\bTK-[0-9A-HJKMNP-TV-Z]{6}\b`)

// threadOf reads what the mail says of its thread: our own Message-IDs among In-Reply-To
// and References name tickets (our mails' thread root is <ticket id@domain>; their own ids
// are <event id@domain>, which name no ticket and are passed over), the others are
// earlier mails' ids (the customer's own, threading to where those went); and a ticket
// number in the subject.
func threadOf(h gomail.Header, id Identity, subject string) inbound.Thread {
	var t inbound.Thread
	refs, _ := h.MsgIDList("References")
	irt, _ := h.MsgIDList("In-Reply-To")
	for _, ref := range append(refs, irt...) {
		if tid, ok := ownTicketID(ref, id); ok {
			if !containsID(t.Tickets, tid) {
				t.Tickets = append(t.Tickets, tid)
			}
			continue
		}
		t.References = append(t.References, ref)
	}
	t.Number = numberInSubject.FindString(strings.ToUpper(subject))
	return t
}

// ownTicketID reads a Message-ID of ours, "<uuid>@<our domain>", as that uuid: the thread
// root of our mails about a ticket is the ticket's id.
func ownTicketID(ref string, id Identity) (uuid.UUID, bool) {
	local, domainPart, ok := strings.Cut(ref, "@")
	if !ok || id.MessageIDDomain == "" || !strings.EqualFold(domainPart, id.MessageIDDomain) {
		return uuid.Nil, false
	}
	u, err := uuid.Parse(local)
	return u, err == nil
}

func containsID(ids []uuid.UUID, id uuid.UUID) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// kindOf tells an automatic message from a person's: a delivery status report or a
// mail from a mailer daemon is a bounce; Auto-Submitted (other than "no") and the
// auto-responders' own headers mark an auto-reply.
func kindOf(h gomail.Header, from string, b *bodyParts) string {
	ct, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
	local, _, _ := strings.Cut(strings.ToLower(from), "@")
	if (ct == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status")) ||
		b.deliveryStatus || local == "mailer-daemon" || local == "postmaster" {
		return inbound.KindBounce
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && v != "no" {
		return inbound.KindAuto
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || strings.EqualFold(h.Get("Precedence"), "auto_reply") {
		return inbound.KindAuto
	}
	return inbound.KindMessage
}

// refusal is why the mail is not taken, or "".
func refusal(h gomail.Header, from, kind string, id Identity) string {
	switch {
	case kind == inbound.KindMessage && from == "":
		return RefusedNoSender
	case isOwn(from, id):
		return RefusedOwn
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "list", "junk":
		if kind == inbound.KindMessage {
			return RefusedBulk
		}
	}
	if kind == inbound.KindMessage && h.Get("List-Id") != "" && h.Get("List-Unsubscribe") != "" {
		return RefusedBulk
	}
	return ""
}

func isOwn(from string, id Identity) bool {
	for _, a := range id.Addresses {
		if from != "" && strings.EqualFold(from, a) {
			return true
		}
	}
	return false
}

// readAll reads a part's body; a body that does not decode ends where it stops.
func readAll(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, 32<<20))
	return b
}
