package policy

import (
	"net/url"
	"strings"

	"github.com/ticketengine/ticketengine/domain"
)

// The words a template is given besides the ticket's own text: its status and SLA clock
// in the mail's language (English unless the recipient's language is zh), and the links.

var statusWords = map[string]map[domain.Status]string{
	"en": {domain.StatusReceived: "received", domain.StatusClassified: "received", domain.StatusAssigned: "in progress",
		domain.StatusEscalated: "in progress (escalated)", domain.StatusWaiting: "waiting for your reply",
		domain.StatusResolved: "resolved", domain.StatusClosed: "closed"},
	"zh": {domain.StatusReceived: "已受理", domain.StatusClassified: "已受理", domain.StatusAssigned: "处理中",
		domain.StatusEscalated: "处理中（已升级）", domain.StatusWaiting: "等待您的回复",
		domain.StatusResolved: "已解决", domain.StatusClosed: "已关闭"},
}

var clockWords = map[string]map[string]string{
	"en": {domain.ClockFirstResponse: "first response", domain.ClockResolution: "resolution"},
	"zh": {domain.ClockFirstResponse: "首次响应", domain.ClockResolution: "解决"},
}

// breachWords name the reason of an escalation the SLA monitor made.
var breachWords = map[string]string{"en": "SLA breached", "zh": "SLA 违约"}

func lang(l string) string {
	if l == "zh" {
		return "zh"
	}
	return "en"
}

// confirmLink turns a ticket's portal link (…/tickets/{number}?code=…) into the link that
// confirms its customer's address: …/tickets/{number}/confirm?code=…&token=….
func confirmLink(portal, token string) string {
	path, query, _ := strings.Cut(portal, "?")
	link := path + "/confirm?"
	if query != "" {
		link += query + "&"
	}
	return link + "token=" + url.QueryEscape(token)
}

// portalLink is the customer's link to the ticket in the help center, with the access code.
func portalLink(base, number, code string) string {
	if base == "" {
		return ""
	}
	link := strings.TrimRight(base, "/") + "/tickets/" + url.PathEscape(number)
	if code != "" {
		link += "?code=" + url.QueryEscape(code)
	}
	return link
}

// deskLink is a staff member's link to the ticket in the desk pages: {PublicURL}/desk/tickets/{id}.
func deskLink(base string, s domain.TicketState) string {
	if base == "" {
		return ""
	}
	return strings.TrimRight(base, "/") + "/desk/tickets/" + s.ID.String()
}

// firstLines is the start of the customer's message for a staff mail: up to five
// non-empty lines and 400 characters.
func firstLines(body string) string {
	var out []string
	n := 0
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if r := []rune(line); n+len(r) > 400 {
			out = append(out, string(r[:max(0, 400-n)])+"…")
			break
		}
		n += len([]rune(line))
		if out = append(out, line); len(out) == 5 {
			break
		}
	}
	return strings.Join(out, "\n")
}
