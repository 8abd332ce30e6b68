package hostile

import (
	"strconv"
	"strings"
	"testing"
)

// namedProbes are the inputs issue 12 names, each with the answer the contract requires:
// a 400 whose problem names the field. (Defect 2 was a 5xx for most of these on
// PostgreSQL; defect 1 began with the NUL in a portal reply; defect 3 with a non-UTF-8
// X-Correlation-ID on a customer's reply.) A header with a control character is refused
// by net/http itself, before the engine, with a plain 400 that names nothing.
func (f hostileFixture) namedProbes() []probe {
	open, portal := "/tickets/"+f.open.id, "/portal/tickets/"+f.open.number
	reply, portalReply := open+"/replies", portal+"/replies?code="+f.open.code
	p := func(name, method, path, body, field string, staff bool, headers ...[2]string) probe {
		pr := probe{name: name, method: method, path: path, staff: staff, want: 400, field: field, headers: headers}
		if body != "" {
			pr.body = []byte(body)
		}
		return pr
	}
	long := strings.Repeat("x", 900<<10)
	ps := []probe{
		p("NUL in a portal reply", "POST", portalReply, `{"body":"hello\u0000world"}`, "body", false),
		p("NUL in a staff reply", "POST", reply, `{"body":"hello\u0000world"}`, "body", true),
		p("NUL in a portal number", "GET", "/portal/tickets/TK-%00?code=x", "", "number", false),
		p("a portal number that is NUL", "GET", "/portal/tickets/%00?code=x", "", "number", false),
		p("NUL in a queue category", "GET", "/queues?category=a%00b", "", "category", true),
		p("NUL in a queue team", "GET", "/queues?team=a%00b", "", "team", true),
		p("non-UTF-8 queue category", "GET", "/queues?category=%FF%FE", "", "category", true),
		p("non-UTF-8 queue team", "GET", "/queues?team=%C3%28", "", "team", true),
		p("If-Match 0 unquoted", "POST", reply, `{"body":"hi"}`, "If-Match", true, [2]string{"If-Match", "0"}),
		p("duplicate key in a reply", "POST", reply, `{"body":"a","body":"b"}`, "body", true),
		p("duplicate key in a portal reply", "POST", portalReply, `{"body":"a","body":"b"}`, "body", false),
		p("duplicate key in a receive", "POST", "/tickets", `{"channel":"chat","channel":"web","customer":{"name":"A","email":"a@example.com","tier":"core"},"subject":"s"}`, "channel", true),
		p("duplicate nested key", "POST", "/tickets", `{"channel":"chat","customer":{"name":"A","name":"B","email":"a@example.com","tier":"core"},"subject":"s"}`, "name", true),
		p("duplicate key in a rating", "POST", "/portal/tickets/"+f.rated.number+"/rating?code="+f.rated.code, `{"score":4,"score":5}`, "score", false),
		p("wrong type of body", "POST", reply, `{"body":1}`, "body", true),
		p("wrong type of public", "POST", reply, `{"body":"hi","public":"yes"}`, "public", true),
		p("wrong type of score", "POST", "/portal/tickets/"+f.rated.number+"/rating?code="+f.rated.code, `{"score":"5"}`, "score", false),
		p("wrong type of customer", "POST", "/tickets", `{"channel":"chat","customer":"c-42","subject":"s"}`, "customer", true),
		p("wrong type of category", "POST", open+"/classify", `{"category":1,"priority":"P1"}`, "category", true),
	}
	for _, h := range []string{"X-Correlation-ID", "X-Request-ID", "Idempotency-Key"} {
		for _, v := range []struct{ what, value, field string }{
			{"non-UTF-8", "\xff\xfe", h}, {"over-long (900 KB)", long, h}, {"control-character", "a\x01b", ""},
		} {
			ps = append(ps,
				p(v.what+" "+h+" on a staff reply", "POST", reply, `{"body":"hi"}`, v.field, true, [2]string{h, v.value}),
				p(v.what+" "+h+" on a portal reply", "POST", portalReply, `{"body":"hi"}`, v.field, false, [2]string{h, v.value}))
		}
	}
	return ps
}

// assertPortalSaysNothing is defect 4 as HTTP shows it: an unknown number and a wrong code
// on an existing one answer the same status and the same bytes, for a read and for a
// reply (the same store reads are proven at the application level, over a counting store).
func assertPortalSaysNothing(t *testing.T, w *wire, f hostileFixture) {
	t.Helper()
	wrong := "ZZZZZZZZZZZZ"
	if wrong == f.open.code {
		wrong = "YYYYYYYYYYYY"
	}
	for _, route := range []struct{ method, suffix, body string }{{"GET", "", ""}, {"POST", "/replies", `{"body":"hi"}`}} {
		var answers []string
		for _, path := range []string{"/portal/tickets/TK-ZZZZZZ" + route.suffix + "?code=" + f.open.code,
			"/portal/tickets/" + f.open.number + route.suffix + "?code=" + wrong} {
			p := probe{name: route.method + " " + path, method: route.method, path: path}
			if route.body != "" {
				p.body = []byte(route.body)
			}
			status, raw, err := w.send(p)
			if err != nil {
				t.Fatal(err)
			}
			answers = append(answers, strconv.Itoa(status)+" "+raw)
		}
		if answers[0] != answers[1] || !strings.HasPrefix(answers[0], "404 ") {
			t.Errorf("portal %s: an unknown number answers %q, a wrong code %q", route.method, answers[0], answers[1])
		}
	}
}
