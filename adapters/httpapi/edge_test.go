package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/domain"
)

// send is do with a JSON body (Content-Type set when there is one).
func (e *readEnv) send(t *testing.T, method, path, body string, role application.Role, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header[http.CanonicalHeaderKey(header[i])] = []string{header[i+1]} // as is, even invalid UTF-8
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// edgeCase is one hostile request and the field its 400 must name.
type edgeCase struct {
	name, method, path, body string
	header                   []string
	field                    string
}

// wantRefused sends each case and checks the 400 names the field, shows no Go type name,
// and appends nothing.
func wantRefused(t *testing.T, e *readEnv, cases []edgeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := len(e.w.All(t))
			code, _, body := e.send(t, c.method, c.path, c.body, application.RoleAdmin, c.header...)
			var p struct {
				Type   string              `json:"type"`
				Errors []domain.FieldError `json:"errors"`
			}
			if code != http.StatusBadRequest || json.Unmarshal([]byte(body), &p) != nil || len(p.Errors) != 1 || p.Errors[0].Field != c.field {
				t.Fatalf("%s %s: %d %s; want 400 naming %q", c.method, c.path, code, body, c.field)
			}
			if !strings.HasSuffix(p.Type, "/malformed") || strings.Contains(body, "domain.") || strings.Contains(body, "httpapi.") {
				t.Errorf("problem: %s", body)
			}
			if after := len(e.w.All(t)); after != before {
				t.Errorf("a refused request appended %d events", after-before)
			}
		})
	}
}

func receiveBody(name, subject, body string) string {
	return `{"channel":"web","customer":{"name":"` + name + `","email":"a@example.com","tier":"core"},"subject":"` + subject + `","body":"` + body + `"}`
}

func TestBodiesAtTheEdge(t *testing.T) {
	e := newReadEnv(t)
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "s", "b")
	portal := "/portal/tickets/" + tk.Ticket.Number + "/replies?code=" + url.QueryEscape(tk.AccessCode)
	id := "/tickets/" + tk.Ticket.ID.String()
	deep := `{"customer":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`
	wantRefused(t, e, []edgeCase{
		{name: "NUL in a portal reply", method: "POST", path: portal, body: `{"body":"hello\u0000world"}`, field: "body"},
		{name: "NUL in a nested name", method: "POST", path: "/tickets", body: receiveBody(`a\u0000b`, "s", "b"), field: "customer.name"},
		{name: "ESC in a subject", method: "POST", path: "/tickets", body: receiveBody("a", `\u001b[31mred`, "b"), field: "subject"},
		{name: "C1 control in a body", method: "POST", path: "/tickets", body: receiveBody("a", "s", "x\u0085y"), field: "body"},
		{name: "lone high surrogate", method: "POST", path: id + "/replies", body: `{"body":"a\ud800b"}`, field: "body"},
		{name: "lone low surrogate", method: "POST", path: id + "/escalate", body: `{"reason":"\udc00","team":"t"}`, field: "reason"},
		{name: "NUL in a key", method: "POST", path: id + "/replies", body: `{"bo\u0000dy":"x"}`, field: `"bo\x00dy"`},
		{name: "control in an array element", method: "POST", path: "/agents", body: `{"name":"A","email":"a@example.com","team":"t","skills":["ok","a\u0007"],"capacity":1}`, field: "skills[1]"},
		{name: "duplicate key", method: "POST", path: id + "/replies", body: `{"body":"a","body":"b"}`, field: "body"},
		{name: "duplicate key in any case", method: "POST", path: id + "/replies", body: `{"body":"a","BODY":"b"}`, field: "BODY"},
		{name: "duplicate nested key", method: "POST", path: "/tickets", body: `{"customer":{"name":"a","name":"b"}}`, field: "customer.name"},
		{name: "nested too deep", method: "POST", path: "/tickets", body: deep, field: "customer" + strings.Repeat("[0]", 31)},
		{name: "object expected", method: "POST", path: "/tickets", body: `{"customer":"x"}`, field: "customer"},
		{name: "whole number expected", method: "POST", path: portal[:strings.Index(portal, "/replies")] + "/rating?code=" + url.QueryEscape(tk.AccessCode), body: `{"score":"five"}`, field: "score"},
		{name: "boolean expected", method: "POST", path: id + "/replies", body: `{"body":"x","public":"yes"}`, field: "public"},
		{name: "string expected", method: "POST", path: id + "/classify", body: `{"category":1}`, field: "category"},
		{name: "unknown field", method: "POST", path: id + "/replies", body: `{"body":"x","bcc":"y"}`, field: "bcc"},
	})
}

func TestBodyCRLFIsNormalised(t *testing.T) {
	e := newReadEnv(t)
	code, _, body := e.send(t, "POST", "/tickets", receiveBody(`A\rB`, "s", `line 1\r\nline 2\rline 3`), application.RoleAdmin)
	var got struct {
		ID string `json:"id"`
	}
	if code != 201 || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("receive: %d %s", code, body)
	}
	_, _, view := e.send(t, "GET", "/tickets/"+got.ID+"/events", "", application.RoleAdmin)
	if !strings.Contains(view, `line 1\nline 2\nline 3`) || !strings.Contains(view, `A\nB`) || strings.Contains(view, `\r`) {
		t.Errorf("CR and CRLF are not normalised to LF: %s", view)
	}
}

func TestQueryAndPathAtTheEdge(t *testing.T) {
	e := newReadEnv(t)
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "s", "b")
	id := tk.Ticket.ID.String()
	wantRefused(t, e, []edgeCase{
		{name: "NUL in category", method: "GET", path: "/queues?category=a%00b", field: "category"},
		{name: "NUL in team", method: "GET", path: "/queues?team=a%00b", field: "team"},
		{name: "invalid UTF-8 category", method: "GET", path: "/queues?category=%FF%FE", field: "category"},
		{name: "truncated UTF-8 team", method: "GET", path: "/queues?team=%C3%28", field: "team"},
		{name: "long team", method: "GET", path: "/queues?team=" + strings.Repeat("x", 201), field: "team"},
		{name: "kpi from", method: "GET", path: "/reports/kpi?from=%00", field: "from"},
		{name: "kpi to", method: "GET", path: "/reports/kpi?to=%FF", field: "to"},
		{name: "kpi group_by", method: "GET", path: "/reports/kpi?group_by=day%1B", field: "group_by"},
		{name: "min_version", method: "GET", path: "/portal/tickets/" + tk.Ticket.Number + "?code=x&min_version=%00", field: "min_version"},
		{name: "as_of", method: "GET", path: "/tickets/" + id + "?as_of=%C3%28", field: "as_of"},
		{name: "code", method: "GET", path: "/portal/tickets/" + tk.Ticket.Number + "?code=%00", field: "code"},
		{name: "a parameter name", method: "GET", path: "/queues?a%00=1", field: "query"},
		{name: "a broken query", method: "GET", path: "/queues?team=%zz", field: "query"},
		{name: "NUL after a number", method: "GET", path: "/portal/tickets/TK-%00?code=x", field: "number"},
		{name: "NUL as a number", method: "GET", path: "/portal/tickets/%00?code=x", field: "number"},
		{name: "invalid UTF-8 number in a command", method: "POST", path: "/portal/tickets/%FF/replies?code=x", body: `{"body":"x"}`, field: "number"},
		{name: "invalid UTF-8 ticket id", method: "GET", path: "/tickets/%FF%FE", field: "id"},
		{name: "NUL in a ticket id of a command", method: "POST", path: "/tickets/%00/replies", body: `{"body":"x"}`, field: "id"},
		{name: "CR in an agent id", method: "GET", path: "/agents/a%0Db", field: "id"},
		{name: "long id", method: "GET", path: "/tickets/" + strings.Repeat("a", 201), field: "id"},
		{name: "rebuild name", method: "POST", path: "/admin/rebuild/%00", field: "name"},
	})
	// Well-formed text that names nothing stays a 404.
	for _, path := range []string{"/portal/tickets/TK-ZZZZZZ?code=x", "/tickets/not-an-id", "/agents/" + strings.Repeat("a", 200)} {
		if code, _, body := e.send(t, "GET", path, "", application.RoleAdmin); code != 404 {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
}

func TestHeadersAtTheEdge(t *testing.T) {
	e := newReadEnv(t)
	tk := e.w.Receive(t, domain.TierCore, domain.ChannelWeb, "s", "b")
	reply := "/tickets/" + tk.Ticket.ID.String() + "/replies"
	wantRefused(t, e, []edgeCase{
		{name: "correlation id too long", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"X-Correlation-ID", strings.Repeat("c", 201)}, field: "X-Correlation-ID"},
		{name: "correlation id not UTF-8", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"X-Correlation-ID", "a\xffb"}, field: "X-Correlation-ID"},
		{name: "request id not UTF-8", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"X-Request-ID", "\xc3\x28"}, field: "X-Request-ID"},
		{name: "request id too long", method: "GET", path: "/queues", header: []string{"X-Request-ID", strings.Repeat("r", 900_000)}, field: "X-Request-ID"},
		{name: "If-Match unquoted", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"If-Match", "0"}, field: "If-Match"},
		{name: "If-Match signed", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"If-Match", `"+1"`}, field: "If-Match"},
		{name: "If-Match half quoted", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"If-Match", `"1`}, field: "If-Match"},
		{name: "Idempotency-Key with a space", method: "POST", path: reply, body: `{"body":"x"}`, header: []string{"Idempotency-Key", "a b"}, field: "Idempotency-Key"},
	})
	// A refused request id is never echoed; a good one is, up to 200 characters.
	_, h, _ := e.send(t, "GET", "/healthz", "", "", "X-Request-ID", "bad\xff")
	if got := h.Get("X-Request-ID"); got == "" || strings.Contains(got, "bad") {
		t.Errorf("X-Request-ID answered %q", got)
	}
	good := strings.Repeat("中", 200)
	if code, h, _ := e.send(t, "GET", "/healthz", "", "", "X-Request-ID", good); code != 200 || h.Get("X-Request-ID") != good {
		t.Errorf("a 200-character request id: %d %q", code, h.Get("X-Request-ID"))
	}
	for _, m := range []string{`"1"`, `W/"1"`, "*"} {
		if code, _, body := e.send(t, "POST", reply, `{"body":"x","public":false}`, application.RoleAdmin, "If-Match", m); code != 200 && code != 412 {
			t.Errorf("If-Match %s: %d %s", m, code, body)
		}
	}
}
