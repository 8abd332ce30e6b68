package imapmail_test

import (
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/imapmail"
)

func TestParseMailboxesRetryOptions(t *testing.T) {
	boxes, err := imapmail.ParseMailboxes("imap://a%40x.cn:p@127.0.0.1/INBOX imap://b%40x.cn:p@127.0.0.1/INBOX?attempts=3&retry=10s")
	if err != nil {
		t.Fatal(err)
	}
	if b := boxes[0]; b.Attempts != 5 || b.Retry != time.Minute {
		t.Errorf("defaults: attempts %d retry %s, want 5 and 1m", b.Attempts, b.Retry)
	}
	if b := boxes[1]; b.Attempts != 3 || b.Retry != 10*time.Second {
		t.Errorf("given: attempts %d retry %s, want 3 and 10s", b.Attempts, b.Retry)
	}
	for _, bad := range []string{"attempts=0", "attempts=x", "retry=0s", "retry=soon"} {
		if _, err := imapmail.ParseMailboxes("imap://a%40x.cn:p@127.0.0.1/INBOX?" + bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
