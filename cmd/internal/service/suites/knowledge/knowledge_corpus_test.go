package knowledge_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections/knowledgetest"
)

// The knowledge base's acceptance corpus (projections/knowledgetest, docs/KNOWLEDGE.md):
// 1,000 resolved tickets and 100 published articles in Chinese and English; for each of
// the 20 hand-written query tickets, the article of its topic is among the top 3
// articles and a resolved ticket of its topic among the top 3 similar tickets, on the
// embedded index (bleve) and on PostgreSQL (pgsearch). The 5 pairs of words that share
// no bigram are logged as found or missed (docs/KNOWLEDGE.md records them).
func TestKnowledgeCorpusOnEmbedded(t *testing.T) {
	runKnowledgeCorpus(t, service.Config{EventStore: "memory:", Data: t.TempDir()}, "")
}

func TestKnowledgeCorpusOnPostgres(t *testing.T) {
	cfg := servicetest.PostgresConfig(t)
	runKnowledgeCorpus(t, cfg, cfg.ReadModel)
}

func runKnowledgeCorpus(t *testing.T, cfg service.Config, analyze string) {
	if testing.Short() {
		t.Skip("the corpus takes a while: not in -short")
	}
	cfg.Policies.Disabled = true
	svc, _ := servicetest.RunService(t, cfg)
	ctx := context.Background()
	topicOf := loadCorpus(t, svc, knowledgetest.Generate(1000, 100))
	waitCaughtUp(t, svc)
	if analyze != "" {
		// pgsearch weighs terms by its own exact counts (rm_search_terms); the planner
		// still chooses its plans by the statistics autovacuum's ANALYZE keeps, and a
		// test does not wait for autovacuum.
		conn, err := pgx.Connect(ctx, analyze)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "ANALYZE rm_search_documents"); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
	articleTopic := map[uuid.UUID]string{}
	rows, err := svc.ReadSide.ArticleRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rows {
		articleTopic[a.ID] = topicOf[a.ID]
	}
	found := func(q knowledgetest.Query) (ticketRank, articleRank int) {
		id := receiveCorpusTicket(t, svc, q.Subject, q.Body)
		res, err := svc.ReadSide.Similar(ctx, id, 3)
		if err != nil {
			t.Fatal(err)
		}
		ticketRank, articleRank = -1, -1
		for i, s := range res.Tickets {
			if topicOf[s.Ticket.ID] == q.Topic && ticketRank < 0 {
				ticketRank = i + 1
			}
		}
		for i, a := range res.Articles {
			if articleTopic[a.Article.ID] == q.Topic && articleRank < 0 {
				articleRank = i + 1
			}
		}
		return ticketRank, articleRank
	}
	for _, q := range knowledgetest.Queries {
		tr, ar := found(q)
		if tr < 0 || ar < 0 {
			t.Errorf("%s %q: similar ticket of the topic at %d, article at %d (-1: not in the top 3)", q.Topic, q.Subject, tr, ar)
		}
	}
	for _, p := range knowledgetest.Pairs {
		tr, ar := found(p.Query)
		t.Logf("pair %s/%s (%s): ticket of the topic in the top 3: %v (rank %d), article: %v (rank %d)",
			p.Said, p.Corpus, p.Query.Topic, tr > 0, tr, ar > 0, ar)
	}
}

// loadCorpus writes the corpus through the commands: each ticket received, assigned,
// answered in public and resolved; each article drafted, submitted, approved and
// published. It returns each ticket's and article's topic by id.
func loadCorpus(t *testing.T, svc *service.Service, c knowledgetest.Corpus) map[uuid.UUID]string {
	ctx, admin := context.Background(), command.CommandMeta{Actor: "admin"}
	agent, err := svc.Commands.RegisterAgent.Handle(ctx, command.RegisterAgent{Name: "Corpus", Email: "corpus@example.com", Capacity: 1000}, admin)
	if err != nil {
		t.Fatal(err)
	}
	topic := map[uuid.UUID]string{}
	for _, tk := range c.Tickets {
		id := receiveCorpusTicket(t, svc, tk.Subject, tk.Body)
		topic[id] = tk.Topic
		steps := []func() (command.TicketResult, error){
			func() (command.TicketResult, error) {
				return svc.Commands.Assign.Handle(ctx, command.AssignTicket{TicketID: id, AgentID: agent.Agent.ID}, admin)
			},
			func() (command.TicketResult, error) {
				return svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: id, Body: tk.Answer, Public: true}, admin)
			},
			func() (command.TicketResult, error) {
				return svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: tk.Resolution}, admin)
			},
		}
		for _, step := range steps {
			if _, err := step(); err != nil {
				t.Fatal(err)
			}
		}
	}
	a := &svc.Commands.Articles
	author, lead := command.CommandMeta{Actor: "agent:" + agent.Agent.ID.String()}, command.CommandMeta{Actor: "supervisor:lead"}
	for _, art := range c.Articles {
		res, err := a.Create.Handle(ctx, command.CreateArticle{Content: domain.ArticleContent{
			Title: domain.Bilingual{Zh: art.TitleZh, En: art.TitleEn}, Body: domain.Bilingual{Zh: art.BodyZh, En: art.BodyEn}, Category: art.Category}}, author)
		if err != nil {
			t.Fatal(err)
		}
		id := res.Article.ID
		topic[id] = art.Topic
		if _, err := a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, author); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead); err != nil {
			t.Fatal(err)
		}
	}
	return topic
}

// waitCaughtUp waits until every projection and the search index have applied every
// stored record: a list read settles only to what the relay has seen plus one batch,
// and 4,400 records written in a burst are more than that.
func waitCaughtUp(t *testing.T, svc *service.Service) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		lags, err := svc.ReadSide.Lag(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		behind := ""
		for _, l := range lags {
			if l.Events > 0 {
				behind = fmt.Sprintf("%s is %d records behind", l.Projection, l.Events)
			}
		}
		if behind == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(behind)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func receiveCorpusTicket(t *testing.T, svc *service.Service, subject, body string) uuid.UUID {
	t.Helper()
	res, err := svc.Commands.Receive.Handle(context.Background(), command.ReceiveTicket{Channel: domain.ChannelWeb,
		Customer: domain.Customer{Name: "Kim", Email: "kim@example.com", Tier: domain.TierStandard}, Subject: subject, Body: body},
		command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Ticket.ID
}
