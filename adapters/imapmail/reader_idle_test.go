package imapmail_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// TestRunTakesAMailThatBecomesUnseenWhileIdle: a mail filed as read and then marked
// unread (curl's APPEND and STORE in the README, or a client marking a mail unread) must
// be taken while the reader idles. The server reports the APPEND with EXISTS, when the
// mail is still \Seen, and the flag change with a FETCH; a reader that woke only on
// EXISTS left the mail until the next new mail or the 5-minute IDLE renewal.
func TestRunTakesAMailThatBecomesUnseenWhileIdle(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.reader.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	// A first mail, taken by the reader's first pass or its first IDLE: after it the
	// reader is idling.
	w.dovecot.Append(t, supportUser, "INBOX", plainMail("first@example.cn", "wang@example.cn", "第一封"))
	waitTaken(t, w, "first@example.cn", 20*time.Second)

	c := w.dovecot.Client(t, supportUser)
	raw := bytes.ReplaceAll(plainMail("read-first@example.cn", "wang@example.cn", "先标记为已读"), []byte("\n"), []byte("\r\n"))
	appendCmd := c.Append("INBOX", int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}})
	if _, err := appendCmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := appendCmd.Close(); err != nil {
		t.Fatal(err)
	}
	appended, err := appendCmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	// The reader wakes on the EXISTS and finds nothing unseen; give it the time to.
	time.Sleep(time.Second)
	if w.spy.has("read-first@example.cn") {
		t.Fatal("a mail filed as \\Seen was taken before it was marked unread")
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	store := c.Store(imap.UIDSetNum(appended.UID), &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	waitTaken(t, w, "read-first@example.cn", 20*time.Second)
}

// waitTaken waits until the mail with Message-ID id is taken in; within is far below the
// reader's 5-minute IDLE renewal, so only a wake-up on the server's report passes.
func waitTaken(t *testing.T, w *world, id string, within time.Duration) {
	t.Helper()
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if w.spy.has(id) {
			return
		}
	}
	t.Fatalf("mail %s not taken within %s\n%s", id, within, w.dovecot.Log())
}
