package command_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/domain"
)

// BenchmarkVoteOnArticle: one new visitor's vote on an article that already has voters
// votes, on the memory store with the stream cache on (ticketd's default): the cost grows
// with the voters, as the aggregate's map of them is copied in and out of the cache.
func BenchmarkVoteOnArticle(b *testing.B) {
	for _, voters := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprint("voters=", voters), func(b *testing.B) {
			secrets, _ := auth.NewSecrets(make([]byte, 32))
			c := command.NewCommands(command.Config{Store: memstore.New(), Clock: eventstoretest.NewClock(time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)),
				Policy: domain.DefaultSLAPolicy(), Secrets: secrets, StreamCacheSize: 1024})
			ctx, a := context.Background(), &c.Articles
			author, lead := command.CommandMeta{Actor: "agent:a1"}, command.CommandMeta{Actor: "supervisor:lead"}
			res, err := a.Create.Handle(ctx, command.CreateArticle{Content: domain.ArticleContent{Title: domain.Bilingual{En: "Invoices"}, Body: domain.Bilingual{En: "Ask."}}}, author)
			if err != nil {
				b.Fatal(err)
			}
			id := res.Article.ID
			for _, step := range []func() (command.ArticleResult, error){
				func() (command.ArticleResult, error) {
					return a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, author)
				},
				func() (command.ArticleResult, error) {
					return a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead)
				},
				func() (command.ArticleResult, error) {
					return a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead)
				},
			} {
				if _, err := step(); err != nil {
					b.Fatal(err)
				}
			}
			vote := func() {
				if _, err := a.Vote.Handle(ctx, command.VoteOnArticle{ArticleID: id, Visitor: uuid.New(), Helpful: true}, command.CommandMeta{Actor: "customer"}); err != nil {
					b.Fatal(err)
				}
			}
			for range voters {
				vote()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				vote()
			}
		})
	}
}
