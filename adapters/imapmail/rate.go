package imapmail

import (
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/application/access"
)

// SenderLimit is the per-sender limit: Take counts one mail of the sender and reports
// whether it is within the mailbox's budget. An access.Limiter is one; on shared counters
// (adapters/ratelimit/pglimits) every node on the database draws on one budget, so the
// limit holds when the mailbox's lease passes to another node.
type SenderLimit interface {
	Take(sender string) bool
}

var _ SenderLimit = (*access.Limiter)(nil)

// NewSenderLimit is the limit of box: box.Rate mails an hour from one address, counted in
// c under the mailbox's name. Past it a sender's mail is refused (moved aside, not lost:
// an operator can move it back); it protects the desk from a customer's mail loop or a
// flood that got past the loop checks.
func NewSenderLimit(box Mailbox, c access.Counters) *access.Limiter {
	return access.NewSharedLimiter("mail-sender:"+box.Name, box.Rate, time.Hour, c)
}

// allowSender reports whether the sender (compared case-insensitively) is within the limit.
func (r *Reader) allowSender(sender string) bool {
	if r.box.Rate <= 0 {
		return true
	}
	return r.rate.Take(strings.ToLower(strings.TrimSpace(sender)))
}
