package imapmail

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"strings"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/inbound"
)

// bodyParts is what the parts of a mail gave: its text (plain preferred, else HTML made
// text), its files, and for a bounce the headers of the mail that bounced.
type bodyParts struct {
	plain, html    []string
	deliveryStatus bool
	bouncedHeader  []byte
	bouncedRefs    []string
}

// readBody walks every part. Text parts are the body; other parts, and text parts sent
// as attachments, are files: attachments and inline images alike (an inline image is
// named after its Content-ID when it has no name).
func readBody(mr *gomail.Reader, m *inbound.Message) *bodyParts {
	b := &bodyParts{}
	for n := 1; ; n++ {
		p, err := mr.NextPart()
		if err != nil && (p == nil || !message.IsUnknownCharset(err)) {
			break // io.EOF, or a part that does not parse: the rest is lost, not the mail
		}
		ct, _, _ := mime.ParseMediaType(headerOf(p).Get("Content-Type"))
		if ct == "" {
			ct = "text/plain"
		}
		data := readAll(p.Body)
		_, isAttachment := p.Header.(*gomail.AttachmentHeader)
		switch {
		case ct == "message/delivery-status":
			b.deliveryStatus = true
		case ct == "message/rfc822" || ct == "text/rfc822-headers":
			if b.bouncedHeader == nil {
				b.bouncedHeader = data
			}
			if isAttachment {
				m.Files = append(m.Files, inbound.File{Name: fileName(p, ct, n), ContentType: ct, Data: data})
			}
		case !isAttachment && ct == "text/plain":
			b.plain = append(b.plain, string(data))
		case !isAttachment && ct == "text/html":
			b.html = append(b.html, htmlText(data))
		default:
			if len(data) > 0 {
				m.Files = append(m.Files, inbound.File{Name: fileName(p, ct, n), ContentType: ct, Data: data})
			}
		}
	}
	return b
}

func headerOf(p *gomail.Part) *message.Header {
	switch h := p.Header.(type) {
	case *gomail.InlineHeader:
		return &h.Header
	case *gomail.AttachmentHeader:
		return &h.Header
	}
	return &message.Header{}
}

// fileName is the part's file name (RFC 2231 and encoded words decoded), else one made
// from its Content-ID or number and type.
func fileName(p *gomail.Part, ct string, n int) string {
	h := headerOf(p)
	if a, ok := p.Header.(*gomail.AttachmentHeader); ok {
		if name, err := a.Filename(); err == nil && name != "" {
			return path.Base(strings.ReplaceAll(name, "\\", "/"))
		}
	}
	if _, params, err := h.ContentDisposition(); err == nil && params["filename"] != "" {
		return path.Base(params["filename"])
	}
	if _, params, err := h.ContentType(); err == nil && params["name"] != "" {
		return path.Base(params["name"])
	}
	base := fmt.Sprintf("part-%d", n)
	if cid := strings.Trim(h.Get("Content-Id"), "<> "); cid != "" {
		base, _, _ = strings.Cut(cid, "@")
	}
	if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
		return base + exts[0]
	}
	return base
}

// text is the body: the plain parts, else the HTML parts as text, with the quoted
// earlier mail trimmed.
func (b *bodyParts) text() string {
	parts := b.plain
	if len(strings.TrimSpace(strings.Join(parts, ""))) == 0 {
		parts = b.html
	}
	return trimQuoted(strings.Join(parts, "\n"))
}

// bounced reads the headers of the mail that bounced: its Message-ID or References name
// our ticket when it was one of our mails.
func (b *bodyParts) bounced(id Identity) []uuid.UUID {
	if b.bouncedHeader == nil {
		return nil
	}
	e, err := message.Read(bytes.NewReader(append(bytes.TrimLeft(b.bouncedHeader, "\r\n"), '\r', '\n', '\r', '\n')))
	if err != nil && e == nil {
		return nil
	}
	h := gomail.Header{Header: e.Header}
	var out []uuid.UUID
	own, _ := h.MessageID()
	refs, _ := h.MsgIDList("References")
	for _, ref := range append([]string{own}, refs...) {
		if tid, ok := ownTicketID(ref, id); ok {
			out = append(out, tid)
		} else if ref != "" {
			b.bouncedRefs = append(b.bouncedRefs, ref)
		}
	}
	return out
}
