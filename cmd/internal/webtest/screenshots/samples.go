package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// sample is a ticket's story in one language: what the customer wrote and sent, and the
// agent's answer with a file, then the resolution (so the page shows the rating form).
type sample struct {
	lang, agent, name, email, subject, body, shot, answer, file, reply, resolution string
}

var samples = []sample{
	{lang: "zh", agent: "刘洋", name: "陈静", email: "chen@example.com", subject: "退款没有到账",
		body: "上周的订单 2026-1123 被扣了两次款，请帮忙查一下。", shot: "付款截图.png",
		answer: "您好，重复扣款已退回，退款凭证见附件。", file: "退款凭证.pdf", reply: "收到了，谢谢！", resolution: "重复扣款已退回"},
	{lang: "en", agent: "Liu Yang", name: "Ann Lee", email: "ann@example.com", subject: "Charged twice for one order",
		body: "Order 2026-1123 was charged twice last week. Could you check?", shot: "payment-screenshot.png",
		answer: "Hello Ann, the duplicate charge is refunded; the receipt is attached.", file: "refund-receipt.pdf",
		reply: "Got it, thank you!", resolution: "Duplicate charge refunded"},
}

// sampleTicket is a sample ticket's page in the help center and on the desk.
type sampleTicket struct{ help, desk string }

// samples opens one ticket per language, and a few more the queues and the KPI
// dashboard show, and returns each sample ticket's pages.
func (e *engine) samples(ctx context.Context) (map[string]sampleTicket, error) {
	out := map[string]sampleTicket{}
	for _, s := range samples {
		t, err := e.sample(ctx, s)
		if err != nil {
			return nil, err
		}
		out[s.lang] = t
	}
	return out, e.backlog(ctx)
}

// backlog opens tickets left waiting in the team queue, of every tier, one of them
// escalated: what the team queue and the SLA watch list.
func (e *engine) backlog(ctx context.Context) error {
	c, staff := e.svc.Commands, command.CommandMeta{Actor: "admin"}
	waiting := []struct {
		subject, name string
		tier          domain.Tier
	}{
		{"无法登录账户", "王伟", domain.TierVIP}, {"发票抬头填错了", "李娜", domain.TierCore},
		{"App crashes on start", "Tom Baker", domain.TierStandard}, {"快递一直没有更新", "张敏", domain.TierStandard},
	}
	for i, w := range waiting {
		opened, err := c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelEmail, Subject: w.subject, Body: w.subject,
			Customer: domain.Customer{Name: w.name, Email: fmt.Sprintf("backlog%d@example.com", i), Language: "zh", Tier: w.tier}}, staff)
		if err != nil {
			return err
		}
		if i == 0 {
			if _, err := c.Escalate.Handle(ctx, command.EscalateTicket{TicketID: opened.Ticket.ID, EscalateTicket: domain.EscalateTicket{Team: "tier2", Reason: "VIP 客户无法登录"}}, staff); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *engine) sample(ctx context.Context, s sample) (sampleTicket, error) {
	c, staff := e.svc.Commands, command.CommandMeta{Actor: "admin"}
	agent, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: s.agent, Email: s.lang + ".agent@example.com", Capacity: 10, Language: s.lang}, staff)
	if err != nil {
		return sampleTicket{}, err
	}
	var opened command.ReceivedTicket
	err = e.attach(ctx, "admin", s.shot, screenshotPNG(), func(atts []domain.Attachment) error {
		opened, err = c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb,
			Customer: domain.Customer{Name: s.name, Email: s.email, Language: s.lang, Tier: domain.TierStandard}, Subject: s.subject, Body: s.body, Attachments: atts}, staff)
		return err
	})
	if err != nil {
		return sampleTicket{}, err
	}
	id := opened.Ticket.ID
	if _, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, staff); err != nil {
		return sampleTicket{}, err
	}
	err = e.attach(ctx, "admin", s.file, []byte("%PDF-1.4\n% receipt\n%%EOF\n"), func(atts []domain.Attachment) error {
		_, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: s.answer, Public: true, Attachments: atts}, staff)
		return err
	})
	if err != nil {
		return sampleTicket{}, err
	}
	if _, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: s.reply}, staff); err != nil {
		return sampleTicket{}, err
	}
	res, err := c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: s.resolution}, staff)
	if err != nil {
		return sampleTicket{}, err
	}
	minVersion := "min_version=" + strconv.FormatInt(res.Ticket.Version, 10)
	return sampleTicket{
		help: "/help/tickets/" + url.PathEscape(opened.Ticket.Number) + "?code=" + url.QueryEscape(opened.AccessCode) + "&" + minVersion,
		desk: "/desk/tickets/" + id.String() + "?" + minVersion}, nil
}

// attach uploads one file and runs a message's command with it claimed, as the API does.
func (e *engine) attach(ctx context.Context, uploader, name string, content []byte, run func([]domain.Attachment) error) error {
	meta := eventlog.Metadata{Actor: uploader, CorrelationID: uuid.NewString()}
	a, err := e.svc.Attachments.Upload(ctx, attachments.Upload{Uploader: uploader, Filename: name, Meta: meta}, bytes.NewReader(content))
	if err != nil {
		return err
	}
	return e.svc.Attachments.Attach(ctx, uploader, []string{a.ID}, attachments.ClaimKey(uploader, ""), meta, run)
}

func screenshotPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 60, 120))
	for y := range 120 {
		for x := range 60 {
			img.Set(x, y, color.RGBA{uint8(4 * x), uint8(2 * y), 200, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// The desk's pictures are taken signed in as an admin, who sees every page.
const (
	adminEmail    = "admin@example.com"
	adminPassword = "screenshots-only-0123"
)

// signIn makes the admin's account and signs the browser in through the desk's form.
func (e *engine) signIn(b context.Context) error {
	ctx := context.Background()
	if _, err := e.svc.Commands.CreateStaff.Handle(ctx, command.CreateStaff{Name: "Admin", Email: adminEmail,
		Role: domain.RoleAdmin, Team: domain.DefaultTeam, Language: "en", Password: adminPassword},
		command.CommandMeta{Actor: "admin", IdempotencyKey: adminEmail}); err != nil {
		return err
	}
	wait, cancel := context.WithTimeout(b, 30*time.Second)
	defer cancel()
	return chromedp.Do(wait, chromedp.Navigate(e.url+"/desk/signin"), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), adminPassword),
		chromedp.Click(chromedp.CSS(`form[action="/desk/signin"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`#queue`))) // the desk's first page after signing in
}
