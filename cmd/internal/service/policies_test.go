package service_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// The whole service on the embedded store, restarted between the SLA warning and the
// breach: the breach is recorded after the restart, once, with its escalation.
func TestServiceRestartBetweenWarningAndBreachEscalatesOnce(t *testing.T) {
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(servicetest.FastPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := service.Config{Data: filepath.Join(dir, "data"), SLAPolicy: policyFile}
	svc, stop := servicetest.RunService(t, cfg)
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	res, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "支付失败",
		Customer: domain.Customer{Name: "王芳", Email: "wang@example.com", Tier: domain.TierVIP, Language: "zh"}}, admin)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Ticket.ID
	if _, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id,
		ClassifyTicket: domain.ClassifyTicket{Category: "payments", Priority: domain.P1}}, admin); err != nil {
		t.Fatal(err)
	}
	servicetest.WaitFor(t, 5*time.Second, "warning", func() bool { return servicetest.CountTypes(t, svc.Store, id)[domain.TypeSLAWarningIssued] > 0 })
	stop()
	time.Sleep(1500 * time.Millisecond) // the breach falls due while the service is down

	svc2, stop2 := servicetest.RunService(t, cfg)
	servicetest.WaitFor(t, 5*time.Second, "escalation after restart", func() bool { return servicetest.CountTypes(t, svc2.Store, id)[domain.TypeTicketEscalated] > 0 })
	stop2()
	svc3, _ := servicetest.RunService(t, cfg)
	time.Sleep(500 * time.Millisecond)
	n := servicetest.CountTypes(t, svc3.Store, id)
	if n[domain.TypeSLABreached] != 1 || n[domain.TypeTicketEscalated] != 1 || n[domain.TypeSLAWarningIssued] != 1 {
		t.Fatalf("events %v: want one warning, one breach, one escalation", n)
	}
}

func postJSON(t *testing.T, base, token, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// {"auto":true} over HTTP uses the router: the agent with the skill gets the ticket, and
// with every agent full the answer is 409 and the ticket stays unassigned.
func TestAutoAssignOverHTTP(t *testing.T) {
	svc, _ := servicetest.RunService(t, service.Config{EventStore: "memory:", Data: t.TempDir(), Policies: service.PolicyConfig{Routing: false}})
	srv := httptest.NewServer(svc.HTTP)
	defer srv.Close()
	tok := svc.AdminToken
	st, agent := postJSON(t, srv.URL, tok, "/agents", `{"name":"李娜","email":"li.na@example.com","team":"support","skills":["billing"],"capacity":1,"language":"zh"}`)
	if st != http.StatusCreated {
		t.Fatalf("register: %d %v", st, agent)
	}
	agentID := agent["id"].(string)
	if st, body := postJSON(t, srv.URL, tok, "/agents/"+agentID+"/presence", `{"online":true}`); st != http.StatusOK {
		t.Fatalf("presence: %d %v", st, body)
	}
	var ids []string
	for range 2 {
		st, tk := postJSON(t, srv.URL, tok, "/tickets", `{"channel":"web","customer":{"name":"A","email":"a@example.com","tier":"core"},"subject":"账单问题"}`)
		if st != http.StatusCreated {
			t.Fatalf("receive: %d %v", st, tk)
		}
		id := tk["id"].(string)
		if st, body := postJSON(t, srv.URL, tok, "/tickets/"+id+"/classify", `{"category":"billing","priority":"P2"}`); st != http.StatusOK {
			t.Fatalf("classify: %d %v", st, body)
		}
		ids = append(ids, id)
	}
	servicetest.WaitFor(t, 5*time.Second, "agent known to the router", func() bool {
		st, body := postJSON(t, srv.URL, tok, "/tickets/"+ids[0]+"/assign", `{"auto":true}`)
		return st == http.StatusOK && body["assignee"] == agentID
	})
	if st, body := postJSON(t, srv.URL, tok, "/tickets/"+ids[1]+"/assign", `{"auto":true}`); st != http.StatusConflict {
		t.Fatalf("second auto-assign with the agent full: %d %v", st, body)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	metrics, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(metrics), "tickets_sla_checks_total") {
		t.Fatal("policy metrics missing from /metrics")
	}
}
