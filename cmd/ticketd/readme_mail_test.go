package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
)

// readmeMailSection heads the README's mail round trip.
const readmeMailSection = "## Mail and chat coming in: a mail round trip"

// TestREADMEMailRoundTrip runs the README's mail round trip against a real Dovecot
// (adapters/imapmail/dovecottest): ticketd is started with the section's settings (the
// IMAP server's address and password changed to the test Dovecot's), then the section's
// blocks run as written with bash, curl (its IMAP APPEND) and jq, each `sleep 2` made a
// wait until the mailbox has no unseen mail (the reader flags a mail only once it is
// stored). The customer's mail must become a ticket, their answer a reply on it, and the
// chat message a ticket of its own.
func TestREADMEMailRoundTrip(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the mail round trip needs %s: %v", tool, err)
		}
	}
	if out, err := exec.Command("curl", "-V").Output(); err != nil || !bytes.Contains(out, []byte(" imap ")) {
		t.Skip("the mail round trip needs a curl that speaks IMAP")
	}
	dc := dovecottest.Start(t)
	blocks := readmeMailBlocks(t)
	if len(blocks) != 4 {
		t.Fatalf("the README's mail section has %d sh blocks, want 4 (start, mail, answer, chat); update this test", len(blocks))
	}
	start := blocks[0]
	const server, login = "127.0.0.1:143", "help@example.com:secret"
	for _, want := range []string{server, "help%40example.com:secret@", "go run ./cmd/ticketd --smtp-url log: --smtp-from 'Support <help@example.com>' 2> ticketd.log &"} {
		if !strings.Contains(start, want) {
			t.Fatalf("the README's mail section no longer has %q; update this test", want)
		}
	}
	local := func(s string) string {
		s = strings.ReplaceAll(s, server, dc.Addr)
		s = strings.ReplaceAll(s, "help%40example.com:secret@", "help%40example.com:"+dovecottest.Password+"@")
		return strings.ReplaceAll(s, login, "help@example.com:"+dovecottest.Password)
	}
	env := daemonEnv()
	for _, line := range strings.Split(start, "\n") {
		if v, ok := strings.CutPrefix(line, "export "); ok {
			name, val, _ := strings.Cut(v, "=")
			env = append(env, name+"="+strings.Trim(local(val), "'"))
		}
	}
	dir := t.TempDir()
	log, err := os.Create(filepath.Join(dir, "ticketd.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { log.Close() })
	d := startDaemonLog(t, env, log, "--data", filepath.Join(dir, "data"), "--smtp-url", "log:", "--smtp-from", "Support <help@example.com>")

	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	const wait = "sleep 2;"
	script := "set -e\nAPI=" + d.base + "\nADMIN=\"Authorization: Bearer $(cat data/admin.token)\"\n" +
		"waitmail() { for i in $(seq 300); do curl -s imap://" + dc.Addr + "/INBOX -u 'help@example.com:" + dovecottest.Password +
		"' -X 'STATUS INBOX (UNSEEN)' | grep -q 'UNSEEN 0' && { command sleep 0.5; return; }; command sleep 0.2; done; echo 'mail not taken' >&2; return 1; }\n"
	for _, b := range blocks[1:] {
		if !strings.Contains(b, "docs/examples/") && !strings.Contains(b, wait) {
			t.Fatalf("a mail block no longer waits with %q; update this test:\n%s", wait, b)
		}
		b = strings.ReplaceAll(local(b), wait, "waitmail;")
		script += strings.ReplaceAll(b, "docs/examples/", root+"/docs/examples/") + "\n"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir, cmd.Env = dir, daemonEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		logged, _ := os.ReadFile(filepath.Join(dir, "ticketd.log"))
		t.Fatalf("mail round trip: %v\nstdout:\n%s\nstderr:\n%s\nticketd.log:\n%s", err, stdout.String(), stderr.String(), logged)
	}
	out := stdout.String()
	// The outputs in order: the ticket, the receipt's Message-ID, the messages, the chat answer.
	dec := json.NewDecoder(strings.NewReader(out))
	var values []map[string]any
	for dec.More() {
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("output is not JSON values (%v):\n%s", err, out)
		}
		values = append(values, v)
	}
	if len(values) < 5 {
		t.Fatalf("%d JSON answers, want the ticket, the receipt, two messages and the chat answer:\n%s", len(values), out)
	}
	ticket := values[0]
	if ticket["subject"] != "退款" || !strings.HasPrefix(fmt.Sprint(ticket["source"]), "mail:") {
		t.Errorf("the mail's ticket: %v", ticket)
	}
	if id, _ := values[1]["message_id"].(string); !strings.HasPrefix(id, "<"+ticket["id"].(string)+"@") && !strings.HasPrefix(id, ticket["id"].(string)+"@") {
		t.Errorf("the receipt's Message-ID %v does not name ticket %v", values[1]["message_id"], ticket["id"])
	}
	msgs := values[2 : len(values)-1]
	if len(msgs) != 2 || msgs[0]["body"] != "我要退款。" || msgs[1]["body"] != "订单号 778899。" || msgs[1]["kind"] != "customer" {
		t.Errorf("the ticket's messages: %v, want the mail and the answer, its quote trimmed", msgs)
	}
	if chat := values[len(values)-1]; chat["ticket_id"] == nil || chat["ticket_id"] == ticket["id"] {
		t.Errorf("the chat message's answer: %v", chat)
	}
}

// readmeMailBlocks returns the sh code blocks of the README's mail round trip section.
func readmeMailBlocks(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), readmeMailSection)
	if !ok {
		t.Fatalf("README.md has no %q section; update this test", readmeMailSection)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks []string
	for _, part := range strings.Split(section, "```sh\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, block)
	}
	return blocks
}
