package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// TestEveryRouteIsAuthorisedByAccess: each route but health and metrics names an action,
// and over HTTP each role gets 401/403 exactly when application/access refuses it.
func TestEveryRouteIsAuthorisedByAccess(t *testing.T) {
	e := newReadEnv(t)
	agent := e.w.Agent(t, "Alice", "support")
	tok, err := e.w.Commands.IssueToken.Handle(context.Background(), command.IssueToken{Role: access.RoleAgent, Subject: agent.ID.String()}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	e.tokens[access.RoleAgent] = tok.Token
	ticket := e.w.Receive(t, domain.TierStandard, domain.ChannelAPI, "s", "b").Ticket.ID.String()

	registered := map[string]httpapi.RouteAction{}
	for _, ra := range httpapi.RouteActions(e.server) {
		if _, ok := access.RuleOf(ra.Action); !ok {
			t.Errorf("%s %s: unknown action %q", ra.Method, ra.Path, ra.Action)
		}
		registered[ra.Method+" "+ra.Path] = ra
	}
	public := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /openapi.json": true,
		"POST /channels/{name}/messages": true} // signed by the channel's secret, not a role
	for _, route := range httpapi.MuxRoutes(e.server) {
		if _, ok := registered[route]; !ok && !public[route] {
			t.Errorf("route %s is not authorised through application/access", route)
		}
	}
	fill := strings.NewReplacer("{number}", "TK-000000", "{name}", "kpi")
	for key, ra := range registered {
		path := fill.Replace(ra.Path)
		if strings.HasPrefix(path, "/agents/") {
			path = strings.Replace(path, "{id}", agent.ID.String(), 1)
		}
		path = strings.Replace(path, "{id}", ticket, 1)
		if ra.Portal {
			if code, _, body := e.do(t, ra.Method, path, ""); code == 401 || code == 403 {
				t.Errorf("%s as the customer: %d %s", key, code, body)
			}
			continue
		}
		for _, role := range []access.Role{"", access.RoleAdmin, access.RoleSupervisor, access.RoleAgent, access.RoleAuditor, access.RoleAnalyst} {
			code, _, body := e.do(t, ra.Method, path, role)
			if rule, _ := access.RuleOf(ra.Action); code == http.StatusForbidden && slices.Contains(rule.OwnOnly, role) &&
				strings.Contains(body, "only on itself") {
				continue // the role may, on its own account only: this path names another
			}
			checkAuthorised(t, key, access.Principal{Role: role}, ra.Action, code, body)
		}
	}
	// as_of is its own action: history is the auditors'.
	for _, role := range []access.Role{access.RoleAgent, access.RoleAuditor, access.RoleAnalyst} {
		code, _, body := e.do(t, http.MethodGet, "/tickets/"+ticket+"?as_of=2030-01-01T00:00:00Z", role)
		checkAuthorised(t, "as_of", access.Principal{Role: role}, access.TicketAsOf, code, body)
	}
}

func checkAuthorised(t *testing.T, what string, p access.Principal, a access.Action, code int, body string) {
	t.Helper()
	err := access.Authorize(p, a)
	switch {
	case err == nil && (code == http.StatusUnauthorized || code == http.StatusForbidden):
		t.Errorf("%s as %q: %d, access allows it: %s", what, p.Role, code, body)
	case errors.Is(err, access.ErrUnauthorized) && code != http.StatusUnauthorized:
		t.Errorf("%s anonymous: %d, want 401", what, code)
	case errors.Is(err, access.ErrForbidden) && code != http.StatusForbidden:
		t.Errorf("%s as %q: %d, want 403: %s", what, p.Role, code, body)
	}
}
