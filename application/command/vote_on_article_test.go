package command_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
)

// TestVotesOnOneArticleAtOnce: many visitors voting on one article at the same moment
// all count (a vote lost to a concurrent one is decided again on the fresh stream), and
// only a live article takes votes.
func TestVotesOnOneArticleAtOnce(t *testing.T) {
	c, _, _ := newCommands(t)
	ctx, a := context.Background(), &c.Articles
	author, lead := command.CommandMeta{Actor: "agent:a1"}, command.CommandMeta{Actor: "supervisor:lead"}
	res, err := a.Create.Handle(ctx, command.CreateArticle{Content: domain.ArticleContent{Title: domain.Bilingual{Zh: "发票"}, Body: domain.Bilingual{Zh: "申请发票"}}}, author)
	if err != nil {
		t.Fatal(err)
	}
	id := res.Article.ID
	vote := func(visitor uuid.UUID, helpful bool) (command.FeedbackResult, error) {
		return a.Vote.Handle(ctx, command.VoteOnArticle{ArticleID: id, Visitor: visitor, Helpful: helpful}, command.CommandMeta{Actor: "customer"})
	}
	if _, err := vote(uuid.New(), true); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("a vote on a draft: %v", err)
	}
	if _, err := a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, author); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead); err != nil {
		t.Fatal(err)
	}
	const n = 64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := vote(uuid.New(), i%4 != 0)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	last, err := vote(uuid.New(), true)
	if err != nil || last.Counts != (domain.FeedbackCounts{Helpful: n*3/4 + 1, NotHelpful: n / 4}) {
		t.Fatalf("after %d concurrent votes and one more: %+v, %v", n, last.Counts, err)
	}
}
