package smtp_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/smtp"
	"github.com/ticketengine/ticketengine/application/policy"
)

// TestAMailAcceptedIsSentEvenWhenQuitFails: once the server answered 250 to the end of
// DATA, the mail is the server's; a connection dropped at QUIT (a relay restarting, a
// timeout on a loaded machine) must not make Send fail, or the outbox's retry delivers
// the same mail twice.
func TestAMailAcceptedIsSentEvenWhenQuitFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go serveDroppingQuit(conn, &accepted)
		}
	}()
	m, err := smtp.New(smtp.Config{URL: "smtp://" + ln.Addr().String(), From: "support@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), policy.Mail{To: "wang@example.com", Subject: "收到", Body: "您好"}); err != nil {
		t.Fatalf("the server accepted the mail, yet Send failed (the outbox would send it again): %v", err)
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the server accepted %d mails, want 1", n)
	}
}

// serveDroppingQuit speaks just enough SMTP to accept one mail, and hangs up on QUIT
// without its 221.
func serveDroppingQuit(conn net.Conn, accepted *atomic.Int32) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { _, _ = conn.Write([]byte(s + "\r\n")) }
	say("220 test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
		case "EHLO", "HELO", "MAIL", "RCPT", "RSET", "NOOP":
			say("250 ok")
		case "DATA":
			say("354 go on")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			accepted.Add(1)
			say("250 queued")
		case "QUIT":
			return // no 221: the connection drops
		default:
			say("502 no")
		}
	}
}
