package readmodeltest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// The projections the knowledge base and hot issues added (issue 19 measures what they
// cost each command): the catalogue without them is the "base" the cost is taken over.
var NewProjections = []string{projections.HotTickets, projections.HotSpikes, projections.Articles, projections.HelpVisitors, projections.ArticleFeedback}

// BaseNames is the catalogue without NewProjections, in the catalogue's order.
func BaseNames() []string {
	var out []string
	for _, n := range projections.Names() {
		if !slices.Contains(NewProjections, n) {
			out = append(out, n)
		}
	}
	return out
}

// costTexts are customers' first messages as they come in: Chinese, English and both
// mixed, of the length a real ticket has (the hot-issue terms are taken from them).
var costTexts = [...]struct{ subject, body, category string }{
	{"退款失败", "我的订单退款失败了，已经等了五天，请尽快处理。订单号 SO-%d。", "refunds"},
	{"Cannot log in", "When I log in it says my password is wrong, although I reset it twice today. Account %d.", "login"},
	{"发票开具", "请问如何开具增值税专用发票？I need a VAT invoice for order %d, our company's tax number is attached.", "billing"},
	{"App crashes on startup", "Since the last update the app crashes as soon as I open it. 更新后打开就闪退，手机型号 %d。", "bug"},
	{"快递延误", "物流信息已经三天没有更新了，快递单号 %d，请帮忙查一下包裹在哪里。", "delivery"},
	{"Payment charged twice", "My credit card was charged twice for the same order %d. 同一订单被扣款两次，请退还一笔。", "billing"},
	{"修改收货地址", "下单后想修改收货地址，订单 %d 还没有发货，还来得及吗？", "delivery"},
	{"Cancel my subscription", "How do I cancel my subscription (customer %d) before the next billing date? I do not want to be charged again.", "billing"},
}

// costReplies are the agents' and customers' messages of a ticket's life.
var costReplies = [...]string{
	"您好，我们已经收到您的问题，正在核实，请提供订单截图。",
	"Thanks for the details, we have passed this to the team and will update you within the day.",
	"截图已经发过去了，麻烦尽快 please.",
}

// NewCachedWorld is NewWorld with the stream cache ticketd has by default (10,000
// streams), for benchmarks of whole commands.
func NewCachedWorld(t testing.TB, events eventlog.EventStore) *World {
	w := NewWorld(t, events)
	secrets, err := auth.NewSecrets([]byte("readmodeltest-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	w.Commands = command.NewCommands(command.Config{
		Store: w.Events, Clock: w.Clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, StreamCacheSize: 10000,
	})
	return w
}

// PublishedArticles drafts n bilingual articles and takes each through review to
// published (4 commands each); it returns their ids.
func (w *World) PublishedArticles(t testing.TB, n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = w.publishedArticle(t, i)
	}
	return ids
}

func (w *World) publishedArticle(t testing.TB, i int) uuid.UUID {
	ctx := context.Background()
	author, lead := command.CommandMeta{Actor: "agent:a1"}, command.CommandMeta{Actor: "supervisor:lead"}
	a := &w.Commands.Articles
	x := costTexts[i%len(costTexts)]
	content := domain.ArticleContent{
		Title:    domain.Bilingual{Zh: fmt.Sprintf("%s：常见问题 %d", x.subject, i), En: fmt.Sprintf("%s: frequently asked %d", x.subject, i)},
		Body:     domain.Bilingual{Zh: "在订单页点击“帮助”，选择对应的问题类型，按提示操作即可。", En: "Open the order page, choose Help and the kind of problem, then follow the steps."},
		Category: x.category, Tags: []string{"faq", x.category},
	}
	res, err := a.Create.Handle(ctx, command.CreateArticle{Content: content}, author)
	check(t, err)
	id := res.Article.ID
	w.Clock.Advance(time.Minute)
	_, err = a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, author)
	check(t, err)
	_, err = a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead)
	check(t, err)
	_, err = a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead)
	check(t, err)
	return id
}

// Life is the i-th customer's visit as the commands it runs, in order: the help center
// (one or two articles read; every third visitor then opens a ticket), the ticket
// received with a Chinese, English or mixed message, classified and tagged, assigned,
// two replies and the customer's answer, resolved, and every third one rated; every 25th
// visit a team also writes and publishes an article. Each step runs one command (the
// article's four together), which must succeed, moves the clock on a little and
// returns how many commands it ran.
func (w *World) Life(t testing.TB, i int, articles []uuid.UUID) []func() int {
	ctx := context.Background()
	c := w.Commands
	x := costTexts[i%len(costTexts)]
	visitor := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "cost-visitor-%d", i))
	customer := command.CommandMeta{Actor: access.Customer.Actor()}
	agent := w.Agents[i%len(w.Agents)]
	var id uuid.UUID // the ticket, once received
	var steps []func() error
	for k := range 1 + i%2 {
		if len(articles) > 0 {
			steps = append(steps, func() error {
				return c.Articles.Visit.Handle(ctx, command.RecordHelpVisit{Visitor: visitor, ArticleID: articles[(i+k)%len(articles)], Category: x.category}, command.CommandMeta{Actor: "customer"})
			})
		}
	}
	if i%3 == 0 && len(articles) > 0 {
		steps = append(steps, func() error {
			return c.Articles.Visit.Handle(ctx, command.RecordHelpVisit{Visitor: visitor}, command.CommandMeta{Actor: "customer"})
		})
	}
	if i%4 == 0 && len(articles) > 0 { // one visitor in four says whether the article helped
		steps = append(steps, func() error {
			_, err := c.Articles.Vote.Handle(ctx, command.VoteOnArticle{ArticleID: articles[i%len(articles)], Visitor: visitor, Helpful: i%8 == 0}, command.CommandMeta{Actor: "customer"})
			return err
		})
	}
	steps = append(steps,
		func() error {
			id = w.Receive(t, domain.TierCore, domain.ChannelWeb, x.subject, fmt.Sprintf(x.body, 10000+i)).Ticket.ID
			return nil
		},
		func() error {
			_, err := c.Classify.Handle(ctx, command.ClassifyTicket{TicketID: id, ClassifyTicket: domain.ClassifyTicket{
				Category: x.category, Priority: domain.P3, Team: agent.Team}}, meta)
			return err
		},
		func() error {
			_, err := c.Tags.Handle(ctx, command.ChangeTicketTags{TicketID: id, Add: []string{x.category}}, meta)
			return err
		},
		func() error {
			_, err := c.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.ID}, meta)
			return err
		},
		func() error {
			_, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: costReplies[0], Public: true}, meta)
			return err
		},
		func() error {
			_, err := c.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: id, Body: costReplies[2]}, customer)
			return err
		},
		func() error {
			_, err := c.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: costReplies[1], Public: true}, meta)
			return err
		},
		func() error {
			_, err := c.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "已处理 resolved"}, meta)
			return err
		},
	)
	if i%3 == 0 {
		steps = append(steps, func() error {
			nps := 9
			_, err := c.Rate.Handle(ctx, command.RateTicket{TicketID: id, Score: 5, NPS: &nps, Comment: "很快 quick"}, customer)
			return err
		})
	}
	out := make([]func() int, 0, len(steps)+1)
	for _, s := range steps {
		out = append(out, func() int {
			check(t, s())
			w.Clock.Advance(time.Duration(5+i%20) * time.Second)
			return 1
		})
	}
	if i%25 == 24 {
		out = append(out, func() int { w.publishedArticle(t, i); return 4 })
	}
	return out
}

// Customers runs lives interleaved, as a help desk sees them: open at a time, one step
// of each in turn, a new life started as one ends. A ticket's events are then hundreds
// of records apart (in different commits of the read models), not side by side.
type Customers struct {
	w        *World
	t        testing.TB
	articles []uuid.UUID
	lives    [][]func() int
	next     int
	// Started is how many lives have started.
	Started int
}

// Customers returns open lives interleaved, none started yet, numbered from first.
func (w *World) Customers(t testing.TB, articles []uuid.UUID, open, first int) *Customers {
	return &Customers{w: w, t: t, articles: articles, lives: make([][]func() int, open), Started: first}
}

// Step runs the next step of the next life and returns how many commands it ran.
func (c *Customers) Step() int {
	i := c.next
	c.next = (c.next + 1) % len(c.lives)
	if len(c.lives[i]) == 0 {
		c.lives[i] = c.w.Life(c.t, c.Started, c.articles)
		c.Started++
	}
	step := c.lives[i][0]
	c.lives[i] = c.lives[i][1:]
	return step()
}

// CostWorld writes the history the projections' cost is measured on (issue 19): six
// agents, 20 published articles, then steps steps of 40 customers' lives interleaved
// (Life: help visits, bilingual tickets from receipt to resolution, ratings, new
// articles), with one burst of a dozen refund tickets in a few minutes half way, after
// which the hot-issue detector, over a store newStore makes and caught up, records its
// spikes (hot_spikes' events).
func CostWorld(t testing.TB, events eventlog.EventStore, newStore func(testing.TB) projections.Store, steps int) *World {
	w := NewWorld(t, events)
	for i := range 6 {
		w.Agent(t, fmt.Sprintf("坐席 %d", i), []string{"support", "billing", "tech"}[i%3])
	}
	customers := w.Customers(t, w.PublishedArticles(t, 20), 40, 0)
	for i := range steps {
		customers.Step()
		if i == steps/2 {
			w.hotBurst(t, newStore)
		}
	}
	return w
}

// hotBurst receives twelve tickets about one failed refund in a few minutes and runs the
// detector once over a store caught up with them.
func (w *World) hotBurst(t testing.TB, newStore func(testing.TB) projections.Store) {
	ctx := context.Background()
	for i := range 12 {
		r := w.Receive(t, domain.TierStandard, domain.ChannelWeb, "退款失败", fmt.Sprintf("退款失败了 refund failed, 订单 %d", 90000+i))
		_, err := w.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: r.Ticket.ID, ClassifyTicket: domain.ClassifyTicket{
			Category: "refunds", Priority: domain.P2, Team: "billing"}}, meta)
		check(t, err)
		w.Clock.Advance(20 * time.Second)
	}
	store := newStore(t)
	CaughtUp(t, store, w)
	m := hotissues.DefaultMethod()
	m.MinWeeks, m.MinCount = 0, 10 // the history is hours long: no baseline weeks
	d := &hotissues.Detector{Method: m, Tickets: projections.DetectorTickets{Service: projections.NewService(w.Events, store, nil, w.Clock)}, Store: w.Events, Clock: w.Clock}
	raised, err := d.Check(ctx, w.Clock.Now())
	check(t, err)
	if len(raised) == 0 {
		t.Fatal("the burst raised no spike")
	}
}
