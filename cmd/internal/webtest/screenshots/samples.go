package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"strconv"

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

// samples opens one ticket per language and returns each ticket page's path.
func (e *engine) samples(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range samples {
		path, err := e.sample(ctx, s)
		if err != nil {
			return nil, err
		}
		out[s.lang] = path
	}
	return out, nil
}

func (e *engine) sample(ctx context.Context, s sample) (string, error) {
	c, staff := e.svc.Commands, command.CommandMeta{Actor: "admin"}
	agent, err := c.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: s.agent, Email: s.lang + ".agent@example.com", Capacity: 10, Language: s.lang}, staff)
	if err != nil {
		return "", err
	}
	var opened command.ReceivedTicket
	err = e.attach(ctx, "admin", s.shot, screenshotPNG(), func(atts []domain.Attachment) error {
		opened, err = c.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb,
			Customer: domain.Customer{Name: s.name, Email: s.email, Language: s.lang, Tier: domain.TierStandard}, Subject: s.subject, Body: s.body, Attachments: atts}, staff)
		return err
	})
	if err != nil {
		return "", err
	}
	id := opened.Ticket.ID
	if _, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, staff); err != nil {
		return "", err
	}
	err = e.attach(ctx, "admin", s.file, []byte("%PDF-1.4\n% receipt\n%%EOF\n"), func(atts []domain.Attachment) error {
		_, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: s.answer, Public: true, Attachments: atts}, staff)
		return err
	})
	if err != nil {
		return "", err
	}
	if _, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: s.reply}, staff); err != nil {
		return "", err
	}
	res, err := c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: s.resolution}, staff)
	if err != nil {
		return "", err
	}
	return "/help/tickets/" + url.PathEscape(opened.Ticket.Number) + "?code=" + url.QueryEscape(opened.AccessCode) +
		"&min_version=" + strconv.FormatInt(res.Ticket.Version, 10), nil
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
