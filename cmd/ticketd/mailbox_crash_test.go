package main

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
)

// TestMailboxSurvivesSIGKILL: ticketd reads 500 mails from a real Dovecot, is SIGKILLed
// part way, and restarted on the same data: every mail ends on a ticket exactly once
// (500 tickets, one per mail, no mail twice), and every mail is flagged seen.
func TestMailboxSurvivesSIGKILL(t *testing.T) {
	const n, box = 500, "help@support.example.com"
	dc := dovecottest.Start(t)
	raws := make([][]byte, n)
	for i := range raws {
		raws[i] = []byte(fmt.Sprintf("From: c%03d@example.cn\nTo: %s\nSubject: crash %03d\nMessage-ID: <crash-%03d@example.cn>\n"+
			"Content-Type: text/plain; charset=utf-8\n\n第 %d 封信。\n", i, box, i, i, i))
	}
	dc.Append(t, box, "INBOX", raws...)
	token := "adm_" + uuid.NewString()
	env := daemonEnv("TICKETS_ADMIN_TOKEN="+token, "TICKETS_MAILBOXES="+dc.URL(box, "name=help&rate=1000&poll=1s"))
	data := t.TempDir()
	first := startDaemon(t, env, "--data", data)
	seen := waitSeen(t, dc, box, func(seen int) bool { return seen >= 50 }, time.Minute)
	first.Kill()
	t.Logf("killed after %d of %d mails were flagged seen", seen, n)
	if seen >= n {
		t.Fatalf("all %d mails were taken before the kill: the test proved nothing", n)
	}
	second := startDaemon(t, env, "--data", data)
	waitSeen(t, dc, box, func(seen int) bool { return seen == n }, 3*time.Minute)
	api := newAPI(second.base, token)
	var subjects []string
	deadline := time.Now().Add(time.Minute)
	for {
		subjects = subjects[:0]
		page := api.must(t, 200, "GET", "/tickets?channel=email&limit=500", nil)
		for _, it := range page.Body["items"].([]any) {
			subjects = append(subjects, it.(map[string]any)["subject"].(string))
		}
		if page.Body["next"] != nil {
			t.Fatalf("more than %d email tickets", n)
		}
		if len(subjects) >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	sort.Strings(subjects)
	if len(subjects) != n {
		t.Fatalf("%d tickets from %d mails", len(subjects), n)
	}
	for i, s := range subjects {
		if want := fmt.Sprintf("crash %03d", i); s != want {
			t.Fatalf("ticket %d is %q, want %q (a mail twice, or one lost)", i, s, want)
		}
	}
	if all, _ := dc.Count(t, box, "Refused"); all != 0 {
		t.Fatalf("%d mails refused", all)
	}
}

func waitSeen(t *testing.T, dc *dovecottest.Server, box string, done func(int) bool, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		_, seen := dc.Count(t, box, "INBOX")
		if done(seen) {
			return seen
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d mails seen after %s:\n%s", seen, within, dc.Log()[max(0, len(dc.Log())-2000):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
