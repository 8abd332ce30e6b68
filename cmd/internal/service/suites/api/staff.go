package api

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
)

// testStaff: staff accounts through HTTP. An admin creates accounts (unique emails, a
// password policy, never a password in an answer); an account changes its own password
// with the old one; the password signs in (auth.SignIn); a supervisor reads accounts.
func testStaff(c servicetest.Client, svc *service.Service) {
	t := c.T
	sup := c.Must(201, "POST", "/staff", map[string]any{"name": "赵敏", "email": "Zhao.Min@example.com", "role": "supervisor",
		"team": "billing", "language": "zh", "password": "correct horse 1"})
	supID, _ := sup.Body["id"].(string)
	if supID == "" || sup.Body["role"] != "supervisor" || sup.Body["active"] != true || sup.Header.Get("Location") != "/staff/"+supID {
		t.Fatalf("POST /staff: %v %s", sup.Header, sup.Raw)
	}
	bad := c.InvalidOnPurpose()
	bad.Must(409, "POST", "/staff", map[string]any{"name": "Z", "email": "zhao.min@EXAMPLE.com", "role": "analyst", "password": "another one 22"})
	bad.Must(409, "POST", "/agents", map[string]any{"name": "Z", "email": "ZHAO.MIN@example.com", "capacity": 1})
	bad.Must(422, "POST", "/staff", map[string]any{"name": "Y", "email": "y@example.com", "role": "analyst", "password": "short"})
	bad.Must(422, "POST", "/staff", map[string]any{"name": "Y", "email": "y@example.com", "role": "customer", "password": "long enough 1"})
	supTok := c.Must(201, "POST", "/tokens", map[string]any{"role": "supervisor", "subject": supID}).Body["token"].(string)
	asSup := servicetest.Client{T: t, Base: c.Base, Token: supTok}
	list := asSup.Must(200, "GET", "/staff", nil)
	one := asSup.Must(200, "GET", "/staff/"+supID, nil)
	for _, raw := range []string{sup.Raw, list.Raw, one.Raw} {
		if strings.Contains(raw, "password") || strings.Contains(raw, "$2a$") {
			t.Fatalf("an answer shows a password: %s", raw)
		}
	}
	if !strings.Contains(list.Raw, supID) || one.Body["email"] != "Zhao.Min@example.com" {
		t.Fatalf("GET /staff: %s, GET /staff/{id}: %s", list.Raw, one.Raw)
	}
	asSup.Must(403, "POST", "/staff", map[string]any{"name": "X", "email": "x@example.com", "role": "admin", "password": "long enough 1"})

	// The password is in no event, not even through the request hash of an Idempotency-Key:
	// a repeat with another password is the same request (the first answer, no 422).
	body := map[string]any{"name": "Kai", "email": "kai@example.com", "role": "auditor", "password": "kai secret pw 1"}
	first := c.Must(201, "POST", "/staff", body, "Idempotency-Key", "kai-1")
	body["password"] = "kai other pw 22"
	if again := c.Must(201, "POST", "/staff", body, "Idempotency-Key", "kai-1"); again.Body["id"] != first.Body["id"] {
		t.Fatalf("repeat: %s, first %s", again.Raw, first.Raw)
	}
	recs, err := svc.Store.ReadAll(context.Background(), 0, 10_000)
	for _, r := range recs {
		if strings.Contains(string(r.Data), "kai secret pw 1") || strings.Contains(string(r.Data), "correct horse 1") {
			t.Fatalf("a password in %s: %s", r.Type, r.Data)
		}
	}
	if err != nil || len(recs) == 0 {
		t.Fatalf("read the log: %d records, %v", len(recs), err)
	}

	// The password: the account itself with the old one, an admin without.
	bad2 := asSup.InvalidOnPurpose()
	bad2.Must(422, "POST", "/staff/"+supID+"/password", map[string]any{"password": "a new one here"})
	bad2.Must(422, "POST", "/staff/"+supID+"/password", map[string]any{"password": "a new one here", "old_password": "wrong guess 1"})
	asSup.Must(204, "POST", "/staff/"+supID+"/password", map[string]any{"password": "a new one here", "old_password": "correct horse 1"})
	analyst := c.Must(201, "POST", "/staff", map[string]any{"name": "Ann", "email": "ann@example.com", "role": "analyst", "password": "analyst pass 1"})
	asSup.Must(403, "POST", "/staff/"+analyst.Body["id"].(string)+"/password", map[string]any{"password": "hijacked pass 1", "old_password": "x"})
	c.Must(204, "POST", "/staff/"+analyst.Body["id"].(string)+"/password", map[string]any{"password": "reset by admin"})
	ctx := context.Background()
	if acc, err := auth.SignIn(ctx, svc.Store, "ZHAO.min@example.com", "a new one here"); err != nil || acc.ID.String() != supID || acc.PasswordHash != "" {
		t.Fatalf("sign in with the new password: %+v %v", acc, err)
	}
	for _, try := range [][2]string{{"zhao.min@example.com", "correct horse 1"}, {"nobody@example.com", "a new one here"}, {"ann@example.com", "analyst pass 1"}} {
		if _, err := auth.SignIn(ctx, svc.Store, try[0], try[1]); !errors.Is(err, auth.ErrSignIn) {
			t.Fatalf("sign in as %s with %q: %v, want ErrSignIn", try[0], try[1], err)
		}
	}
}

// testDeactivation: PATCH /agents/{id} changes the profile; deactivating an agent hands
// its open tickets back to the team queue and revokes its tokens; reactivation restores
// the account but not the tokens.
func testDeactivation(c servicetest.Client, _ *service.Service) {
	t := c.T
	reg := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support",
		"capacity": 5, "password": "agent password 1"})
	id, agentTok := reg.Body["id"].(string), reg.Body["token"].(string)
	other := c.Must(201, "POST", "/agents", map[string]any{"name": "王芳", "email": "wang@example.com", "capacity": 5}).Body["id"].(string)
	patched := c.Must(200, "PATCH", "/agents/"+id, map[string]any{"team": "billing", "skills": []string{"refunds"}, "capacity": 7, "language": "en"})
	if patched.Body["team"] != "billing" || patched.Body["capacity"] != float64(7) || !strings.Contains(patched.Raw, `"skills":["refunds"]`) {
		t.Fatalf("PATCH /agents/{id}: %s", patched.Raw)
	}
	c.InvalidOnPurpose().Must(422, "PATCH", "/agents/"+id, map[string]any{"capacity": 0})
	extra := c.Must(201, "POST", "/tokens", map[string]any{"role": "agent", "subject": id, "expires_in": "1h"}).Body["token"].(string)
	asAgent := servicetest.Client{T: t, Base: c.Base, Token: agentTok}
	asAgent.Must(200, "POST", "/agents/"+id+"/presence", map[string]any{"online": true})
	var mine []string
	for range 2 {
		tk := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
		c.Must(200, "POST", "/tickets/"+tk+"/classify", map[string]any{"category": "refunds", "priority": "P2", "team": "billing"})
		c.Must(200, "POST", "/tickets/"+tk+"/assign", map[string]any{"agent_id": id})
		mine = append(mine, tk)
	}
	theirs := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	c.Must(200, "POST", "/tickets/"+theirs+"/assign", map[string]any{"agent_id": other})

	off := c.Must(200, "POST", "/agents/"+id+"/deactivate", map[string]any{"reason": "left the company"})
	if off.Body["active"] != false || off.Body["id"] != id {
		t.Fatalf("deactivate: %s", off.Raw)
	}
	for _, tok := range []string{agentTok, extra} {
		servicetest.Client{T: t, Base: c.Base, Token: tok}.Must(401, "GET", "/agents/"+id, nil)
	}
	for _, tk := range mine {
		got := c.Must(200, "GET", "/tickets/"+tk, nil)
		if got.Body["assignee"] != nil || got.Body["status"] != "classified" {
			t.Fatalf("a released ticket: %s", got.Raw)
		}
	}
	if got := c.Must(200, "GET", "/tickets/"+theirs, nil); got.Body["assignee"] != other {
		t.Fatalf("another agent's ticket: %s", got.Raw)
	}
	queue := c.Must(200, "GET", "/queues?team=billing", nil)
	for _, tk := range mine {
		if !strings.Contains(queue.Raw, tk) {
			t.Fatalf("released ticket %s not in the billing queue: %s", tk, queue.Raw)
		}
	}
	if ag := c.Must(200, "GET", "/agents/"+id, nil); ag.Body["active"] != false || ag.Body["online"] != false || ag.Body["open_tickets"] != float64(0) {
		t.Fatalf("the deactivated agent: %s", ag.Raw)
	}
	again := c.Must(200, "POST", "/staff/"+id+"/deactivate", nil) // a retry changes nothing
	on := c.Must(200, "POST", "/staff/"+id+"/reactivate", "{}")
	if again.Body["active"] != false || on.Body["active"] != true {
		t.Fatalf("deactivate again: %s; reactivate: %s", again.Raw, on.Raw)
	}
	asAgent.Must(401, "GET", "/agents/"+id, nil) // revoked stays revoked
	c.Must(200, "POST", "/agents/"+id+"/reactivate", nil)
}

// testTokens: expiry, the admin's list (never the secret), revocation.
func testTokens(c servicetest.Client, _ *service.Service) {
	t := c.T
	issued := c.Must(201, "POST", "/tokens", map[string]any{"role": "analyst", "subject": "bi", "expires_in": "2h"})
	id, tok := issued.Body["id"].(string), issued.Body["token"].(string)
	exp, err := time.Parse(time.RFC3339, issued.Body["expires_at"].(string))
	if err != nil || exp.Sub(time.Now()) < 119*time.Minute || exp.Sub(time.Now()) > 121*time.Minute {
		t.Fatalf("expires_at: %s %v", issued.Raw, err)
	}
	forever := c.Must(201, "POST", "/tokens", map[string]any{"role": "auditor", "subject": "kpmg"})
	if forever.Raw == "" || forever.Body["expires_at"] != nil {
		t.Fatalf("a token without expiry: %s", forever.Raw)
	}
	c.InvalidOnPurpose().Must(422, "POST", "/tokens", map[string]any{"role": "analyst", "expires_in": "soon"})
	as := servicetest.Client{T: t, Base: c.Base, Token: tok}
	as.Must(200, "GET", "/reports/kpi", nil)
	list := c.Must(200, "GET", "/tokens", nil)
	if !strings.Contains(list.Raw, id) || strings.Contains(list.Raw, tok) || strings.Contains(list.Raw, tok[3:]) {
		t.Fatalf("GET /tokens: %s", list.Raw)
	}
	for _, item := range list.Body["items"].([]any) {
		if m := item.(map[string]any); m["id"] == id && (m["last_used_at"] == nil || m["role"] != "analyst" || m["subject"] != "bi") {
			t.Fatalf("the token's row: %v", m)
		}
	}
	as.Must(403, "GET", "/tokens", nil)
	c.Must(204, "DELETE", "/tokens/"+id, nil)
	as.Must(401, "GET", "/reports/kpi", nil) // from the next request on this node
	c.Must(204, "DELETE", "/tokens/"+id, nil)
	c.InvalidOnPurpose().Must(404, "DELETE", "/tokens/"+forever.Body["id"].(string)[:8], nil)
	if list := c.Must(200, "GET", "/tokens", nil); strings.Contains(list.Raw, id) {
		t.Fatalf("a revoked token listed: %s", list.Raw)
	}
	short := c.Must(201, "POST", "/tokens", map[string]any{"role": "analyst", "subject": "x", "expires_in": "1ms"}).Body["token"].(string)
	time.Sleep(5 * time.Millisecond) // past the expiry (not a timing assertion)
	servicetest.Client{T: t, Base: c.Base, Token: short}.Must(401, "GET", "/reports/kpi", nil)
}
