package imapmail

import (
	"regexp"
	"strings"
)

// The lines where mail clients start the earlier mail they quote under a reply. Each is a
// line of its own; the text from it on is dropped.
var quoteStarts = []*regexp.Regexp{
	// Gmail and Apple Mail: "On Mon, 30 Nov 2026 at 10:00, Support <s@x> wrote:".
	regexp.MustCompile(`^On .{4,200} wrote:$`),
	// Gmail in Chinese: "在 2026年11月30日周一 10:00，客服 <s@x> 写道：".
	regexp.MustCompile(`^在.{2,200}写道[：:]$`),
	// Outlook: "-----Original Message-----", "-----原始邮件-----".
	regexp.MustCompile(`^-{3,}\s*(Original Message|原始邮件|原始郵件)\s*-{3,}$`),
	// Foxmail and QQ Mail: "------------------ 原始邮件 ------------------".
	regexp.MustCompile(`^-{5,}\s*(原始邮件|Original|原始郵件)\s*-{5,}$`),
	// Outlook's rule line before its "From:" block.
	regexp.MustCompile(`^_{20,}$`),
}

// headerBlock is the "From: … Sent: …" block Outlook (and Foxmail) put at the top of the
// quoted mail, in English or Chinese.
var (
	fromLine = regexp.MustCompile(`^\*?(From|发件人|寄件者)\s*[:：]`)
	sentLine = regexp.MustCompile(`^\*?(Sent|Date|发送时间|寄件日期|日期)\s*[:：]`)
)

// trimQuoted drops the earlier mail a reply quotes: from the first line where a client
// starts the quote (quoteStarts, or a From:/Sent: header block) to the end, and trailing
// lines quoted with ">". If nothing would be left, the text is kept whole: a mail that is
// only a quote (a forward with no words) still says something.
func trimQuoted(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	cut := len(lines)
	for i := range lines {
		line := strings.TrimSpace(lines[i])
		if startsQuote(line) || (fromLine.MatchString(line) && sentWithin(lines, i+1, 3)) {
			cut = i
			break
		}
		// Gmail wraps a long attribution: "On Mon, …, Support <" / "s@x> wrote:".
		if i > 0 && strings.HasSuffix(line, "wrote:") && strings.HasPrefix(strings.TrimSpace(lines[i-1]), "On ") {
			cut = i - 1
			break
		}
	}
	kept := lines[:cut]
	for len(kept) > 0 {
		last := strings.TrimSpace(kept[len(kept)-1])
		if last == "" || strings.HasPrefix(last, ">") {
			kept = kept[:len(kept)-1]
			continue
		}
		break
	}
	out := strings.TrimSpace(strings.Join(kept, "\n"))
	if out == "" {
		return strings.TrimSpace(s)
	}
	return out
}

func startsQuote(line string) bool {
	for _, re := range quoteStarts {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

func sentWithin(lines []string, from, n int) bool {
	for i := from; i < len(lines) && i < from+n; i++ {
		if sentLine.MatchString(strings.TrimSpace(lines[i])) {
			return true
		}
	}
	return false
}
