package hostile

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/testio"
)

// hostileFixture holds the tickets the probes act on: open is open throughout (replies, notes,
// classification, the customer's replies); resolvable is open and gets resolved (and is
// reopened by the probe's repair when a resolution was accepted); rated stays resolved (a
// rating accepted is followed by a reopen and a resolve, so the next may be rated again).
type hostileFixture struct {
	open, resolvable, rated ticketRef
	// staffDo runs a staff command during a repair; it fails the test on a 5xx.
	staffDo func(t *testing.T, method, path, body string)
}

type ticketRef struct{ id, number, code string }

func receiveBody(subject, body, name, id string) []byte {
	return []byte(`{"channel":"chat","customer":{"id":` + id + `,"name":` + name +
		`,"email":"chen@example.com","tier":"vip"},"subject":` + subject + `,"body":` + body + `}`)
}

// probesFor places s in every text field, query value, path value and header the
// harness covers, as staff and as the customer. A string the edge rule refuses must get
// a 400 wherever it goes; any other must get anything but a 5xx.
func (f hostileFixture) probesFor(s string) []probe {
	js, want := testio.RawJSONString(s), 0
	if refusedText(s) {
		want = 400
	}
	ok := `"fine"`
	open, portal := "/tickets/"+f.open.id, "/portal/tickets/"+f.open.number
	body := func(name, method, path, raw string, staff bool) probe {
		return probe{name: name, method: method, path: path, body: []byte(raw), staff: staff, want: want}
	}
	ps := []probe{
		body("receive subject", "POST", "/tickets", string(receiveBody(js, ok, ok, ok)), true),
		body("receive body", "POST", "/tickets", string(receiveBody(ok, js, ok, ok)), true),
		body("receive customer name", "POST", "/tickets", string(receiveBody(ok, ok, js, ok)), true),
		body("receive customer id", "POST", "/tickets", string(receiveBody(ok, ok, ok, js)), true),
		body("reply body", "POST", open+"/replies", `{"body":`+js+`,"public":true}`, true),
		body("note body", "POST", open+"/replies", `{"body":`+js+`,"public":false}`, true),
		body("classify category", "POST", open+"/classify", `{"category":`+js+`,"priority":"P2"}`, true),
		body("portal reply body", "POST", portal+"/replies?code="+f.open.code, `{"body":`+js+`}`, false),
		body("tag", "POST", open+"/tags", `{"add":[`+js+`],"remove":["x"]}`, true),
		body("macro name and body", "POST", "/macros", `{"name":`+js+`,"body":{"zh":`+js+`}}`, true),
	}
	resolve := body("resolve resolution", "POST", "/tickets/"+f.resolvable.id+"/resolve", `{"resolution":`+js+`}`, true)
	resolve.after = func(t *testing.T) { f.staffDo(t, "POST", "/tickets/"+f.resolvable.id+"/reopen", `{"reason":"again"}`) }
	rate := body("rating comment", "POST", "/portal/tickets/"+f.rated.number+"/rating?code="+f.rated.code, `{"score":4,"comment":`+js+`}`, false)
	rate.after = func(t *testing.T) {
		f.staffDo(t, "POST", "/tickets/"+f.rated.id+"/reopen", `{"reason":"again"}`)
		f.staffDo(t, "POST", "/tickets/"+f.rated.id+"/resolve", `{"resolution":"done"}`)
	}
	ps = append(ps, resolve, rate)

	get := func(name, path string, staff bool) probe {
		return probe{name: name, method: "GET", path: path, staff: staff, want: want}
	}
	ps = append(ps,
		get("queues category", "/queues?category="+q(s), true),
		get("queues team", "/queues?team="+q(s), true),
		get("queues cursor", "/queues?cursor="+q(s), true),
		get("queues tag", "/queues?tag="+q(s), true),
		get("kpi tag", "/reports/kpi?group_by=tag&tag="+q(s), true),
		get("kpi group_by", "/reports/kpi?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&group_by="+q(s), true),
		get("ticket as_of", open+"?as_of="+q(s), true),
		get("portal code", portal+"?code="+q(s), false),
		get("portal min_version", portal+"?code="+f.open.code+"&min_version="+q(s), false),
		get("a query parameter's name", "/queues?"+q(s)+"=1", true),
		body("portal reply code", "POST", portal+"/replies?code="+q(s), `{"body":"hi"}`, false),
	)
	// A path value with a slash or a dot segment changes the route (404, or a redirect to
	// the cleaned path) before any value is looked at.
	pathWant := want
	if strings.ContainsAny(s, "/.") || s == "" {
		pathWant = 0
	}
	for _, p := range []probe{
		get("portal number", "/portal/tickets/"+seg(s)+"?code=x", false),
		get("ticket id", "/tickets/"+seg(s), true),
		get("agent id", "/agents/"+seg(s), true),
		body("ticket id of a reply", "POST", "/tickets/"+seg(s)+"/replies", `{"body":"hi"}`, true),
	} {
		p.want = pathWant
		ps = append(ps, p)
	}
	// Headers: a CR or LF breaks the request's framing, which net/http refuses in its own
	// way; anything else the edge rule decides.
	headerWant := want
	if strings.ContainsAny(s, "\r\n") {
		headerWant = 0
	}
	for _, h := range []string{"X-Correlation-ID", "X-Request-ID", "Idempotency-Key", "If-Match"} {
		staff := body("staff reply with "+h, "POST", open+"/replies", `{"body":"hi","public":false}`, true)
		customer := body("portal reply with "+h, "POST", portal+"/replies?code="+f.open.code, `{"body":"hi"}`, false)
		for _, p := range []probe{staff, customer} {
			p.headers, p.want = [][2]string{{h, s}}, headerWant
			ps = append(ps, p)
		}
	}
	for _, h := range []string{"X-Correlation-ID", "X-Request-ID"} {
		staff, customer := get("queues with "+h, "/queues", true), get("portal read with "+h, portal+"?code="+f.open.code, false)
		for _, p := range []probe{staff, customer} {
			p.headers, p.want = [][2]string{{h, s}}, headerWant
			ps = append(ps, p)
		}
	}
	return ps
}
