package servicetest

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
)

// MailTo waits up to 10 s for a mail to to whose subject has subjectHas, and returns it.
func MailTo(t *testing.T, srv *smtptest.Server, to, subjectHas string) smtptest.Message {
	t.Helper()
	var found smtptest.Message
	WaitFor(t, 10*time.Second, "mail to "+to+" about "+subjectHas, func() bool {
		for _, m := range srv.Messages() {
			if m.To == to && strings.Contains(m.Subject, subjectHas) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}
