package domain

import (
	"strings"
	"unicode"
)

// ArticleFromTicket is the draft an agent starts from a resolved ticket (一键生成FAQ):
// the subject as title, and a Markdown body of the agents' public answers and the
// resolution, in the ticket's language (the customer's, else Chinese when the subject
// has Han characters, else English). The customer's own message is left out: an article
// is public, and what a customer wrote may name them; the agent adds the question in
// their own words before submitting. Text is cut to the article's limits.
func ArticleFromTicket(t TicketState, answers []string, resolution string) ArticleContent {
	zh := t.Customer.Language == "zh" || (t.Customer.Language == "" && hasHan(t.Subject))
	h := [3]string{"Question", "Answer", "Resolution"}
	if zh {
		h = [3]string{"问题", "解答", "解决方法"}
	}
	var b strings.Builder
	b.WriteString("## " + h[0] + "\n\n" + t.Subject + "\n")
	if len(answers) > 0 {
		b.WriteString("\n## " + h[1] + "\n")
		for _, a := range answers {
			b.WriteString("\n" + strings.TrimSpace(a) + "\n")
		}
	}
	if r := strings.TrimSpace(resolution); r != "" {
		b.WriteString("\n## " + h[2] + "\n\n" + r + "\n")
	}
	title, body := cut(t.Subject, MaxArticleTitle), cut(b.String(), MaxArticleBody)
	c := ArticleContent{Category: cut(t.Category, maxShortText), Tags: t.Tags.List()}
	if zh {
		c.Title.Zh, c.Body.Zh = title, body
	} else {
		c.Title.En, c.Body.En = title, body
	}
	return c
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// cut keeps at most n characters of s.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
