package smtp

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"

	"github.com/ticketengine/ticketengine/application/policy"
)

// LogURL is the --smtp-url that sends no mail but writes each one to the log: for trying
// the engine without a mail server (a customer's confirmation link is then in the log).
const LogURL = "log:"

// LogMailer implements policy.Mailer by writing each mail at INFO as one structured log
// line, its headers and text in the field `mail`. It delivers nothing; the mail's text
// (access codes, confirmation links) is in the log, so it is for trying the engine only.
type LogMailer struct {
	log  *slog.Logger
	from mail.Address
}

var _ policy.Mailer = (*LogMailer)(nil)

// NewLog returns the mailer writing to log, mails being from the sender address from.
func NewLog(log *slog.Logger, from string) (*LogMailer, error) {
	f, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", from, err)
	}
	return &LogMailer{log: log, from: *f}, nil
}

// Send logs the mail; a recipient that is not an address fails as with SMTP.
func (m *LogMailer) Send(ctx context.Context, msg policy.Mail) error {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return fmt.Errorf("smtp: recipient %q: %w", msg.To, err)
	}
	m.log.LogAttrs(ctx, slog.LevelInfo, "mail not sent (--smtp-url log:)", slog.Group("mail",
		slog.String("from", m.from.String()), slog.String("to", to.String()),
		slog.String("subject", msg.Subject), slog.String("message_id", msg.MessageID),
		slog.String("in_reply_to", msg.InReplyTo), slog.String("text", msg.Body)))
	return nil
}
