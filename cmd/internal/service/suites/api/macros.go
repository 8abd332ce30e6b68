package api

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// refundMacro resolves with a reply in both languages, sets priority and category and
// adds a tag.
var refundMacro = map[string]any{
	"name": "退款已处理 / refund done",
	"body": map[string]any{
		"zh": "{{customer.name}}您好，工单 {{ticket.number}} 的退款已处理。{{ agent.name }}",
		"en": "Hello {{customer.name}}, the refund of {{ticket.number}} is done. {{agent.name}}",
	},
	"set": map[string]any{"status": "resolved", "priority": "P2", "category": "billing", "tags": []string{"Refund"}},
}

// testMacros: bad templates refused at save; the macro's reply (customer's language,
// variables filled) and changes in one append at one version; a stale If-Match or a
// change the status refuses appends nothing; update, delete, and attachments refused.
func testMacros(c servicetest.Client, svc *service.Service) {
	t := c.T
	agentRes := c.Must(201, "POST", "/agents", map[string]any{"name": "刘洋", "email": "liu@example.com", "team": "support", "capacity": 5})
	agentID := agentRes.Body["id"].(string)
	agent := servicetest.Client{T: t, Base: c.Base, Token: agentRes.Body["token"].(string)}
	for field, body := range map[string]map[string]any{
		"body.zh": {"zh": "您好 {{customer.nam}}"}, "body.en": {"en": "Hello {{customer.name"}, "body": {"zh": " "},
	} {
		r := c.InvalidOnPurpose().Must(422, "POST", "/macros", map[string]any{"name": "bad", "body": body})
		if !strings.Contains(r.Raw, `"field":"`+field+`"`) {
			t.Fatalf("bad template %v: %s", body, r.Raw)
		}
	}
	c.InvalidOnPurpose().Must(422, "POST", "/macros", map[string]any{"name": "x", "body": map[string]any{"en": "x }} y"}})
	c.InvalidOnPurpose().Must(422, "POST", "/macros", map[string]any{"name": "x", "body": map[string]any{"en": "x"}, "set": map[string]any{"status": "closed"}})
	agent.Must(403, "POST", "/macros", refundMacro)
	macro := c.Must(201, "POST", "/macros", refundMacro)
	macroID := macro.Body["id"].(string)
	if macro.Header.Get("Location") != "/macros/"+macroID || !strings.Contains(macro.Raw, `"tags":["refund"]`) {
		t.Fatalf("created macro: %v %s", macro.Header, macro.Raw)
	}
	if list := agent.Must(200, "GET", "/macros", nil); !strings.Contains(list.Raw, macroID) {
		t.Fatalf("GET /macros: %s", list.Raw)
	}

	zhTicket := map[string]any{"channel": "web", "subject": "退款", "body": "还没到账",
		"customer": map[string]any{"name": "陈静", "email": "chen.zh@example.com", "tier": "core", "language": "zh"}}
	created := c.Must(201, "POST", "/tickets", zhTicket)
	id, number := created.Body["id"].(string), created.Body["number"].(string)
	c.Must(200, "POST", "/tickets/"+id+"/assign", map[string]any{"agent_id": agentID}) // version 1
	apply := "/tickets/" + id + "/macros/" + macroID
	before := len(ticketRecords(t, svc, id))
	agent.Must(412, "POST", apply, nil, "If-Match", `"0"`)
	agent.InvalidOnPurpose().Must(422, "POST", apply, map[string]any{"attachments": []string{"a1"}})
	if n := len(ticketRecords(t, svc, id)); n != before {
		t.Fatalf("a refused macro appended %d records", n-before)
	}
	r := agent.Must(200, "POST", apply, nil, "If-Match", `"1"`, "Idempotency-Key", "macro-1")
	if r.Body["status"] != "resolved" || r.Body["priority"] != "P2" || r.Body["category"] != "billing" ||
		!strings.Contains(r.Raw, `"tags":["refund"]`) || r.Body["version"] != float64(6) {
		t.Fatalf("after the macro: %s", r.Raw)
	}
	checkMacroAppend(c, svc, id, before, fmt.Sprintf("陈静您好，工单 %s 的退款已处理。刘洋", number))
	// A repeat with the same key appends nothing; the ticket is resolved now: a macro is
	// for open tickets.
	if again := agent.Must(200, "POST", apply, nil, "If-Match", `"1"`, "Idempotency-Key", "macro-1"); again.Body["version"] != float64(6) {
		t.Fatalf("idempotent repeat: %s", again.Raw)
	}
	agent.Must(409, "POST", apply, map[string]any{})

	// An English (default) customer gets the English body; waiting on a ticket nobody is
	// assigned to is refused whole.
	wait := c.Must(201, "POST", "/macros", map[string]any{"name": "need logs", "body": map[string]any{"en": "Hi {{customer.name}}, logs please"},
		"set": map[string]any{"status": "waiting", "tags": []string{"logs"}}}).Body["id"].(string)
	en := c.Must(201, "POST", "/tickets", servicetest.NewTicket).Body["id"].(string)
	before = len(ticketRecords(t, svc, en))
	c.Must(409, "POST", "/tickets/"+en+"/macros/"+wait, nil)
	if n := len(ticketRecords(t, svc, en)); n != before {
		t.Fatalf("a macro refused by the status appended %d records", n-before)
	}
	c.Must(200, "POST", "/tickets/"+en+"/assign", map[string]any{"agent_id": agentID})
	// The macro's reply carries the caller's upload; the upload is spent by it.
	logForm := c.Upload("/attachments", "日志说明.pdf", servicetest.PDF("how to send logs"))
	if logForm.Status != 201 {
		t.Fatalf("upload: %d %s", logForm.Status, logForm.Raw)
	}
	fileID := logForm.Body["id"].(string)
	if r := c.Must(200, "POST", "/tickets/"+en+"/macros/"+wait, map[string]any{"attachments": []string{fileID}}); r.Body["status"] != "waiting" {
		t.Fatalf("waiting macro: %s", r.Raw)
	}
	if msgs := c.Must(200, "GET", "/tickets/"+en+"/messages", nil); !strings.Contains(msgs.Raw, `"filename":"日志说明.pdf"`) {
		t.Fatalf("the macro's reply lacks its attachment: %s", msgs.Raw)
	}
	c.InvalidOnPurpose().Must(422, "POST", "/tickets/"+en+"/replies", map[string]any{"body": "again", "public": true, "attachments": []string{fileID}})
	recs := ticketRecords(t, svc, en)
	if !strings.Contains(string(recs[len(recs)-1].Data), `"reason":"Hi 陈静, logs please"`) {
		t.Fatalf("the reply is the reason: %s", recs[len(recs)-1].Data)
	}

	// Update, read, delete; a deleted macro is not found.
	upd := c.Must(200, "PUT", "/macros/"+wait, map[string]any{"name": "logs", "body": map[string]any{"zh": "请发日志"}})
	if upd.Body["name"] != "logs" || strings.Contains(upd.Raw, "waiting") {
		t.Fatalf("PUT: %s", upd.Raw)
	}
	agent.Must(403, "DELETE", "/macros/"+wait, nil)
	c.Must(204, "DELETE", "/macros/"+wait, nil)
	c.Must(404, "GET", "/macros/"+wait, nil)
	c.Must(404, "DELETE", "/macros/"+wait, nil)
	c.Must(404, "POST", "/tickets/"+en+"/macros/"+wait, nil)
	c.Must(200, "GET", "/macros/"+macroID, nil)
}

// checkMacroAppend: the records after `before` are the macro's, all of one append (one
// command's metadata, one time, next to each other in the global order), MacroApplied
// first, the reply with the variables filled, then the changes.
func checkMacroAppend(c servicetest.Client, svc *service.Service, id string, before int, reply string) {
	t := c.T
	recs := ticketRecords(t, svc, id)[before:]
	all, err := svc.Store.ReadAll(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	first := slices.IndexFunc(all, func(r eventlog.Record) bool { return r.ID == recs[0].ID })
	types := make([]string, len(recs))
	for i, r := range recs {
		types[i] = r.Type
		if r.Meta != recs[0].Meta || first < 0 || first+i >= len(all) || all[first+i].ID != r.ID {
			t.Fatalf("record %d is not of the same append: %+v vs %+v", i, r, recs[0])
		}
	}
	want := []string{domain.TypeMacroApplied, domain.TypeTicketReplied, domain.TypeTicketTagsChanged, domain.TypeTicketClassified, domain.TypeTicketResolved}
	if strings.Join(types, ",") != strings.Join(want, ",") {
		t.Fatalf("macro events %v, want %v", types, want)
	}
	if !strings.Contains(string(recs[0].Data), `"name":"退款已处理 / refund done"`) ||
		string(recs[1].Data) != `{"body":"`+reply+`","public":true}` ||
		!strings.Contains(string(recs[4].Data), reply) {
		t.Fatalf("macro events: %s / %s / %s", recs[0].Data, recs[1].Data, recs[4].Data)
	}
}
