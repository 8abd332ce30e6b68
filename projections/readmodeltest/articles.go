package readmodeltest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// testArticles: a history of tickets and articles (each article walked through a
// seeded random part of its workflow by two authors and a reviewer), fed live in uneven
// runs, equals a rebuild, and every article row is the aggregate's own state.
func testArticles(t *testing.T, newStore Factory, newEvents EventsFactory) {
	w := Random(t, newEvents(), 7, 20, 200)
	ids := w.RandomArticles(t, rand.New(rand.NewPCG(7, 11)), 40)
	w.helpVisits(t, ids, 12)
	votes := w.helpVotes(t, ids, 30)
	recs := w.All(t)
	live := newStore(t)
	FeedLive(t, live, recs, 3)
	AssertSameAsRebuilt(t, live, newStore, w, "live")
	assertFeedback(t, live, votes)
	ctx := context.Background()
	rows, err := live.Rows(ctx, "articles")
	check(t, err)
	if len(rows) != len(ids) {
		t.Fatalf("%d article rows for %d articles", len(rows), len(ids))
	}
	published := 0
	for _, r := range rows {
		got := *r.(*domain.ArticleState)
		want, err := command.LoadArticle(ctx, w.Events, got.ID)
		check(t, err)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("article %s: row %+v, aggregate %+v", got.ID, got, want)
		}
		if _, ok := got.Published(); ok {
			published++
		}
	}
	if published == 0 || published == len(ids) {
		t.Fatalf("%d of %d articles live: the history does not exercise the workflow", published, len(ids))
	}
}

// RandomArticles drafts n articles and takes each a seeded random number of steps along
// its workflow (submit, approve, publish, revise, …), refusals included and ignored, as
// a team would; it returns their ids.
func (w *World) RandomArticles(t testing.TB, rng *rand.Rand, n int) []uuid.UUID {
	ctx := context.Background()
	authors := []command.CommandMeta{{Actor: "agent:a1"}, {Actor: "agent:a2"}}
	lead := command.CommandMeta{Actor: "supervisor:lead"}
	a := &w.Commands.Articles
	var ids []uuid.UUID
	for i := range n {
		w.Clock.Advance(time.Minute)
		content := domain.ArticleContent{Title: domain.Bilingual{Zh: fmt.Sprintf("发票问题 %d", i), En: fmt.Sprintf("Invoice question %d", i)},
			Body: domain.Bilingual{Zh: "在订单页申请发票。"}, Category: []string{"billing", "account", ""}[i%3], Tags: []string{"faq"}}
		res, err := a.Create.Handle(ctx, command.CreateArticle{Content: content}, authors[i%2])
		check(t, err)
		id := res.Article.ID
		ids = append(ids, id)
		for range rng.IntN(9) {
			w.Clock.Advance(time.Duration(rng.IntN(600)) * time.Second)
			var err error
			switch rng.IntN(6) {
			case 0, 1:
				_, err = a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, authors[rng.IntN(2)])
			case 2:
				_, err = a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead)
			case 3:
				_, err = a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead)
			case 4:
				content.Title.Zh += "（修订）"
				_, err = a.Revise.Handle(ctx, command.ReviseArticle{ArticleID: id, Content: content}, authors[rng.IntN(2)])
			case 5:
				if rng.IntN(4) == 0 {
					_, err = a.Archive.Handle(ctx, command.ArchiveArticle{ArticleID: id}, lead)
				}
			}
			if err != nil && !isRefusal(err) {
				t.Fatal(err)
			}
		}
		// Most articles end published, so the help center has some.
		for _, step := range []func() error{
			func() error {
				_, err := a.Submit.Handle(ctx, command.SubmitArticle{ArticleID: id}, authors[0])
				return err
			},
			func() error { _, err := a.Approve.Handle(ctx, command.ApproveArticle{ArticleID: id}, lead); return err },
			func() error { _, err := a.Publish.Handle(ctx, command.PublishArticle{ArticleID: id}, lead); return err },
		} {
			if i%4 != 0 {
				if err := step(); err != nil && !isRefusal(err) {
					t.Fatal(err)
				}
			}
		}
	}
	return ids
}

// helpVisits: n browsers each read a few articles, some then open a ticket (the
// help_visitors read model, deflections).
func (w *World) helpVisits(t testing.TB, articles []uuid.UUID, n int) {
	ctx := context.Background()
	for i := range n {
		visitor := uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint("visitor", i)))
		for k := range 1 + i%3 {
			w.Clock.Advance(time.Minute)
			c := command.RecordHelpVisit{Visitor: visitor, ArticleID: articles[(i+k)%len(articles)], Category: "billing"}
			check(t, w.Commands.Articles.Visit.Handle(ctx, c, command.CommandMeta{Actor: "customer"}))
		}
		if i%2 == 0 {
			check(t, w.Commands.Articles.Visit.Handle(ctx, command.RecordHelpVisit{Visitor: visitor}, command.CommandMeta{Actor: "customer"}))
		}
	}
}

// isRefusal: a step the article's status or the own-revision rule refuses, which a
// random walk makes often.
func isRefusal(err error) bool {
	return errors.Is(err, errs.InvalidTransition) || errors.Is(err, errs.Forbidden)
}
