package policy

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ticketengine/ticketengine/domain"
)

// Mail templates, in English and Chinese, chosen by the customer's (or agent's) language;
// English when none is set. Each takes the ticket number, the subject and the status
// word; customer mails end with the portal link.
type template struct{ subject, body string }

var customerTemplates = map[string]map[string]template{
	"en": {
		domain.TypeTicketReceived:         {"[%s] We received your request", "Hello %s,\n\nwe received your request \"%s\" as ticket %s.\nStatus: %s.\n"},
		domain.TypeTicketAssigned:         {"[%s] An agent is on your request", "Hello %s,\n\nyour request \"%s\" (ticket %s) has been assigned to %s.\nStatus: %s.\n"},
		domain.TypeTicketAwaitingCustomer: {"[%s] We need your reply", "Hello %s,\n\nto continue with your request \"%s\" (ticket %s) we need more information from you:\n%s\nStatus: %s.\n"},
		domain.TypeTicketResolved:         {"[%s] Your request is resolved", "Hello %s,\n\nyour request \"%s\" (ticket %s) has been resolved:\n%s\nStatus: %s.\n"},
	},
	"zh": {
		domain.TypeTicketReceived:         {"[%s] 我们已收到您的请求", "%s，您好：\n\n我们已收到您的请求“%s”，工单号 %s。\n状态：%s。\n"},
		domain.TypeTicketAssigned:         {"[%s] 客服已开始处理您的请求", "%s，您好：\n\n您的请求“%s”（工单号 %s）已分配给 %s。\n状态：%s。\n"},
		domain.TypeTicketAwaitingCustomer: {"[%s] 需要您的回复", "%s，您好：\n\n为继续处理您的请求“%s”（工单号 %s），我们需要您提供更多信息：\n%s\n状态：%s。\n"},
		domain.TypeTicketResolved:         {"[%s] 您的请求已解决", "%s，您好：\n\n您的请求“%s”（工单号 %s）已解决：\n%s\n状态：%s。\n"},
	},
}

var portalLine = map[string]string{
	"en": "\nFollow your ticket and reply here: %s\n",
	"zh": "\n查看进度或回复请访问：%s\n",
}

var agentTemplates = map[string]map[string]template{
	"en": {
		domain.TypeTicketAssigned:   {"[%s] Assigned to you: %s", "Ticket %s (\"%s\", priority %s) is now yours.\n"},
		domain.TypeSLAWarningIssued: {"[%s] SLA warning: %s", "Ticket %s (\"%s\", priority %s): the %s target is due at %s.\n"},
	},
	"zh": {
		domain.TypeTicketAssigned:   {"[%s] 分配给您的工单：%s", "工单 %s（“%s”，优先级 %s）已分配给您。\n"},
		domain.TypeSLAWarningIssued: {"[%s] SLA 预警：%s", "工单 %s（“%s”，优先级 %s）的%s目标将于 %s 到期。\n"},
	},
}

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

func lang(l string) string {
	if l == "zh" {
		return "zh"
	}
	return "en"
}

// customerMail words a customer's mail; detail is the agent's name, the reason for
// waiting, or the resolution.
func customerMail(s domain.TicketState, eventType, detail, portal string) (Mail, bool) {
	l := lang(s.Customer.Language)
	t, ok := customerTemplates[l][eventType]
	if !ok || s.Customer.Email == "" {
		return Mail{}, false
	}
	status := statusWords[l][s.Status]
	var body string
	if eventType == domain.TypeTicketReceived {
		body = fmt.Sprintf(t.body, s.Customer.Name, s.Subject, s.Number, status)
	} else {
		body = fmt.Sprintf(t.body, s.Customer.Name, s.Subject, s.Number, detail, status)
	}
	switch {
	case portal != "" && eventType == domain.TypeTicketReceived && s.Unverified:
		body += fmt.Sprintf(confirmLine[l], portal)
	case portal != "":
		body += fmt.Sprintf(portalLine[l], portal)
	}
	return Mail{To: s.Customer.Email, Subject: fmt.Sprintf(t.subject, s.Number), Body: body}, true
}

// confirmLines end the receipt mail of a self-service ticket: its link also confirms the
// address, which joins the ticket to the customer's record.
var confirmLine = map[string]string{
	"en": "\nConfirm your email address and follow your ticket here: %s\n",
	"zh": "\n请点击以下链接确认您的邮箱地址并查看工单进度：%s\n",
}

// agentMail words a mail to an agent about a ticket.
func agentMail(a domain.AgentState, s domain.TicketState, eventType, clock, due string) (Mail, bool) {
	l := lang(a.Language)
	t, ok := agentTemplates[l][eventType]
	if !ok || a.Email == "" {
		return Mail{}, false
	}
	body := fmt.Sprintf(t.body, s.Number, s.Subject, s.Priority)
	if eventType == domain.TypeSLAWarningIssued {
		body = fmt.Sprintf(t.body, s.Number, s.Subject, s.Priority, clockWords[l][clock], due)
	}
	return Mail{To: a.Email, Subject: fmt.Sprintf(t.subject, s.Number, s.Subject), Body: body}, true
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

// portalLink is the customer's link to the ticket in the portal, with the access code.
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
