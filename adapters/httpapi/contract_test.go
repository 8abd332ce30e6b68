package httpapi_test

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
)

func TestOpenAPIServedToAnyone(t *testing.T) {
	e := newReadEnv(t)
	code, h, body := e.send(t, "GET", "/openapi.json", "", "")
	var doc struct {
		OpenAPI string                     `json:"openapi"`
		Paths   map[string]json.RawMessage `json:"paths"`
	}
	if code != 200 || h.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(body), &doc) != nil {
		t.Fatalf("GET /openapi.json: %d %s %.200s", code, h.Get("Content-Type"), body)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/queues"] == nil || doc.Paths["/openapi.json"] == nil {
		t.Fatalf("document: openapi %q, %d paths", doc.OpenAPI, len(doc.Paths))
	}
}

// TestUnknownQueryParameters: every route takes only the query parameters the document
// declares for it; any other is a 400 naming it, and appends nothing.
func TestUnknownQueryParameters(t *testing.T) {
	e := newReadEnv(t)
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "s", "b")
	id, number := tk.Ticket.ID.String(), tk.Ticket.Number
	wantRefused(t, e, []edgeCase{
		{name: "q on queues", method: "GET", path: "/queues?q=refund", field: "q"},
		{name: "customer on queues", method: "GET", path: "/queues?team=support&customer=c-1", field: "customer"},
		{name: "misspelt filter", method: "GET", path: "/queues?priorty=P1", field: "priorty"},
		{name: "empty value still named", method: "GET", path: "/queues?label=", field: "label"},
		{name: "first unknown by name", method: "GET", path: "/queues?zz=1&aa=2&team=x", field: "aa"},
		{name: "ticket", method: "GET", path: "/tickets/" + id + "?fields=all", field: "fields"},
		{name: "events", method: "GET", path: "/tickets/" + id + "/events?limit=1", field: "limit"},
		{name: "kpi", method: "GET", path: "/reports/kpi?groupby=day", field: "groupby"},
		{name: "agents", method: "GET", path: "/agents?offset=2", field: "offset"},
		{name: "agent", method: "GET", path: "/agents/" + id + "?as_of=2030-01-01", field: "as_of"},
		{name: "portal", method: "GET", path: "/portal/tickets/" + number + "?code=" + tk.AccessCode + "&lang=zh", field: "lang"},
		{name: "portal reply", method: "POST", path: "/portal/tickets/" + number + "/replies?code=" + tk.AccessCode + "&x=1", body: `{"body":"x"}`, field: "x"},
		{name: "command", method: "POST", path: "/tickets/" + id + "/replies?public=false", body: `{"body":"x"}`, field: "public"},
		{name: "healthz", method: "GET", path: "/healthz?verbose=1", field: "verbose"},
	})
	// The declared ones still work, min_version included where part 1 allows it.
	for _, path := range []string{
		"/queues?status=received&team=support&assignee=" + id + "&priority=P3&category=x&breached=false&min_version=0&limit=10",
		"/tickets/" + id + "?min_version=0",
		"/reports/kpi?from=2026-01-01&to=2027-01-01&group_by=team",
		"/agents?limit=5",
		"/portal/tickets/" + number + "?code=" + tk.AccessCode + "&min_version=0",
	} {
		if code, _, body := e.send(t, "GET", path, "", access.RoleAdmin); code != 200 {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
}

// TestRoutesMatchOpenAPI: every route on the router is an operation of the document, and
// every operation of the document is routed.
func TestRoutesMatchOpenAPI(t *testing.T) {
	e := newReadEnv(t)
	server := e.srv.Config.Handler.(*httpapi.Server)
	routed := map[string]bool{}
	err := httpapi.RouterOf(server).Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			routed[m+" "+tmpl] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, body := e.send(t, "GET", "/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "patch", "head", "options", "trace":
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	if len(routed) < 20 {
		t.Fatalf("walked only %d routes", len(routed))
	}
	var problems []string
	for op := range routed {
		if !documented[op] {
			problems = append(problems, op+": routed but not in docs/openapi.yaml")
		}
	}
	for op := range documented {
		if !routed[op] {
			problems = append(problems, op+": in docs/openapi.yaml but not routed")
		}
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
}
