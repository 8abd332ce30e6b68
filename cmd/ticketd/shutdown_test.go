package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/domain"
)

// TestSIGTERMDrainsInFlightRequestsAndExitsZero sends SIGTERM while writers are busy and
// one request is half sent. ticketd must wait for that request, answer it, exit 0, and
// keep everything it answered: every writer's request ends with either a proper answer or
// no connection at all, never a cut-off answer.
func TestSIGTERMDrainsInFlightRequestsAndExitsZero(t *testing.T) {
	data := t.TempDir()
	token := "adm_" + uuid.NewString()
	env := daemonEnv("TICKETS_ADMIN_TOKEN=" + token)
	d := startDaemon(t, env, "--data", data)
	agentID, agentToken := registerAgent(t, newAPI(d.base, token), "刘洋")

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	wait := runLoad(ctx, newAPI(d.base, agentToken), agentID, 4)
	time.Sleep(500 * time.Millisecond)

	body, _ := json.Marshal(newTicketBody(-2, 0))
	conn, rest := startSlowRequest(t, d.base, token, body)
	if err := d.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	select {
	case <-d.Exited():
		t.Fatalf("ticketd exited (%v) with a request in flight", d.State())
	default:
	}
	slow := finishSlowRequest(t, conn, rest)
	if code := d.waitExit(t, 30*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	stop()
	log := wait()
	if len(log.unexpected) > 0 {
		t.Fatalf("%d unexpected answers during shutdown, first: %s", len(log.unexpected), log.unexpected[0])
	}

	again := startDaemon(t, env, "--data", data)
	checkAcks(t, newAPI(again.base, token), append(log.acks, slow))
	if code := again.terminate(t, 30*time.Second); code != 0 {
		t.Fatalf("second run: exit code %d after SIGTERM, want 0", code)
	}
	t.Logf("%d commands acknowledged around SIGTERM, %d requests found no server; the half-sent request was answered and kept", len(log.acks), len(log.cut))
}

// startSlowRequest sends a POST /tickets whose body stops after a few bytes, so that the
// request is in flight; it returns the connection and the unsent rest of the body.
func startSlowRequest(t *testing.T, base, token string, body []byte) (net.Conn, []byte) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := strings.Join([]string{
		"POST /tickets HTTP/1.1", "Host: " + u.Host, "Authorization: Bearer " + token,
		"Content-Type: application/json", fmt.Sprintf("Content-Length: %d", len(body)), "", "",
	}, "\r\n")
	if _, err := conn.Write(append([]byte(head), body[:10]...)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the server read the header and start the handler
	return conn, body[10:]
}

// finishSlowRequest sends the rest of the body and expects the ticket to be created.
func finishSlowRequest(t *testing.T, conn net.Conn, rest []byte) ack {
	t.Helper()
	if _, err := conn.Write(rest); err != nil {
		t.Fatalf("finishing the in-flight request: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	defer res.Body.Close()
	var out struct {
		ID      string `json:"id"`
		Version int64  `json:"version"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("the in-flight request was answered %d (%v)", res.StatusCode, err)
	}
	return ack{ticket: out.ID, version: out.Version, event: domain.TypeTicketReceived}
}
