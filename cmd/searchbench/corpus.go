package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ticketengine/ticketengine/projections"
	"github.com/ticketengine/ticketengine/projections/knowledgetest"
	"github.com/ticketengine/ticketengine/projections/searchtest"
)

// corpusBatches is the corpus -corpus names, in batches of -batch messages: "search",
// the filler of projections/searchtest (a few sentences repeated, with the hand-written
// queries' messages planted), or "knowledge", the tickets of projections/knowledgetest
// (20 topics in Chinese and English: subject and body, the public answer and the
// resolution, as the search projection indexes them).
func corpusBatches(c config) ([]projections.SearchBatch, error) {
	switch c.corpus {
	case "search":
		return searchtest.Final(c.tickets, c.batch), nil
	case "knowledge":
		var out []projections.SearchBatch
		cur := projections.SearchBatch{}
		at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
		for i, t := range knowledgetest.Generate(c.tickets, 0).Tickets {
			id := fmt.Sprintf("00000000-0000-4000-9000-%012d", i)
			for k, text := range []string{t.Subject + "\n" + t.Body, t.Answer, t.Resolution} {
				kind := "customer"
				if k > 0 {
					kind = "public"
				}
				cur.Documents = append(cur.Documents, projections.SearchDocument{TicketID: id, MessageID: fmt.Sprintf("%s/%d", id, k),
					Kind: kind, Text: text, CreatedAt: at.Add(time.Duration(i)*time.Minute + time.Duration(k)*time.Second)})
			}
			if len(cur.Documents) >= c.batch {
				cur.Position = uint64(len(out) + 1)
				out, cur = append(out, cur), projections.SearchBatch{}
			}
		}
		if len(cur.Documents) > 0 {
			cur.Position = uint64(len(out) + 1)
			out = append(out, cur)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown corpus %q (search or knowledge)", c.corpus)
}

// similarTexts are the texts similar tickets are asked for: the body of every n-th
// message (search), or the subject and body of every n-th ticket and the 20
// hand-written queries (knowledge), as the service asks with a ticket's subject and
// first message.
func similarTexts(c config, batches []projections.SearchBatch) []string {
	var texts []string
	n := 0
	for _, b := range batches {
		for _, d := range b.Documents {
			if c.corpus == "knowledge" && d.Kind != "customer" {
				continue
			}
			if n++; n%c.similarEvery == 0 && !d.Internal {
				texts = append(texts, d.Text)
			}
		}
	}
	if c.corpus == "knowledge" {
		for _, q := range knowledgetest.Queries {
			texts = append(texts, q.Subject+"\n"+q.Body)
		}
	}
	return texts
}

// knowledgeTopics counts the hand-written queries of projections/knowledgetest with a
// ticket of their topic among the first 3 similar ones (the acceptance test's rule,
// without its filter of resolved tickets: every corpus ticket is resolved).
func knowledgeTopics(ctx context.Context, si projections.SimilarIndex, out io.Writer) error {
	found := 0
	for _, q := range knowledgetest.Queries {
		hits, err := si.Similar(ctx, projections.SimilarQuery{Terms: projections.SimilarTerms(q.Subject + "\n" + q.Body), Limit: 3})
		if err != nil {
			return err
		}
		for _, h := range hits {
			var i int
			if _, err := fmt.Sscanf(h.TicketID[len(h.TicketID)-12:], "%d", &i); err == nil && knowledgetest.Topics[i%len(knowledgetest.Topics)].Key == q.Topic {
				found++
				break
			}
		}
	}
	fmt.Fprintf(out, "  knowledge: %d of %d hand-written queries have a ticket of their topic in the first 3\n", found, len(knowledgetest.Queries))
	return nil
}
