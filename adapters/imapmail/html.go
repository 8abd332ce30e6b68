package imapmail

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
)

// htmlText makes an HTML-only mail safe text: the text nodes only (no markup, script or
// style survives), block elements and <br> as line breaks, links as their text. The quoted earlier mail that mail clients wrap in a blockquote or a
// marked container (Gmail's gmail_quote, Outlook's divRplyFwdMsg/appendonsend, Foxmail's
// and QQ Mail's original-content) is left out here; what clients quote as plain text is
// trimmed later with the plain text (trimQuoted).
func htmlText(data []byte) string {
	z := html.NewTokenizer(bytes.NewReader(data))
	var out strings.Builder
	skip := 0        // depth inside <script>, <style>, <head>, quoted containers
	var stack []bool // for each open element: whether it started a skip
	for {
		switch z.Next() {
		case html.ErrorToken:
			return collapseBlankLines(out.String())
		case html.TextToken:
			if skip == 0 {
				writeText(&out, string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			name := tok.Data
			if voidElement[name] || tok.Type == html.SelfClosingTagToken {
				if skip == 0 && (name == "br" || name == "hr") {
					out.WriteByte('\n')
				}
				continue
			}
			skips := skipped(tok)
			stack = append(stack, skips)
			if skips {
				skip++
			}
			if skip == 0 && blockElement[name] {
				out.WriteByte('\n')
			}
		case html.EndTagToken:
			tok := z.Token()
			if voidElement[tok.Data] || len(stack) == 0 {
				continue
			}
			if stack[len(stack)-1] {
				skip--
			}
			stack = stack[:len(stack)-1]
			if skip == 0 && blockElement[tok.Data] {
				out.WriteByte('\n')
			}
		}
	}
}

// writeText writes a text node with its runs of white space made one space, keeping a
// space at either end where the node had one ("订单 <b>12345</b> 一直").
func writeText(out *strings.Builder, t string) {
	collapsed := strings.Join(strings.Fields(t), " ")
	if t == "" {
		return
	}
	if collapsed == "" || isSpace(t[0]) {
		out.WriteByte(' ')
	}
	out.WriteString(collapsed)
	if collapsed != "" && isSpace(t[len(t)-1]) {
		out.WriteByte(' ')
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\f' }

// skipped reports whether an element's content is left out of the text.
func skipped(tok html.Token) bool {
	switch tok.Data {
	case "script", "style", "head", "title", "blockquote", "template", "noscript":
		return true
	}
	for _, a := range tok.Attr {
		v := strings.ToLower(a.Val)
		if (a.Key == "class" && (strings.Contains(v, "gmail_quote") || strings.Contains(v, "yahoo_quoted"))) ||
			(a.Key == "id" && (v == "divrplyfwdmsg" || v == "appendonsend" || strings.HasPrefix(v, "original-content") || v == "isforwardcontent")) {
			return true
		}
	}
	return false
}

var voidElement = map[string]bool{"br": true, "hr": true, "img": true, "meta": true, "link": true, "input": true, "col": true, "area": true, "base": true, "wbr": true, "source": true}

var blockElement = map[string]bool{"p": true, "div": true, "tr": true, "li": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "table": true, "ul": true, "ol": true, "pre": true, "section": true, "article": true, "body": true}

// collapseBlankLines trims each line and keeps at most one blank line in a row.
func collapseBlankLines(s string) string {
	var out []string
	blank := true
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, line)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
