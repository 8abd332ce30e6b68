package web

import "testing"

// TestBakeReplacesConstantMessagesInTextAndQuotedAttributes: a constant message becomes
// its text, escaped, in an element and in a quoted attribute; a call with arguments, a
// computed key, a key the catalogue lacks, a message holding template delimiters, and a
// call in a URL, style, event or unquoted attribute stay calls for html/template.
func TestBakeReplacesConstantMessagesInTextAndQuotedAttributes(t *testing.T) {
	c := catalogue{"a": `<b>"x" & 'y'</b>`, "n": "%d left", "d": "{{.Secret}}", "u": "go", "s.1": "one", "s.2": "two"}
	for _, tc := range []struct{ src, want string }{
		{`<p>{{t .Msg "a"}}</p>`, `<p>&lt;b&gt;&#34;x&#34; &amp; &#39;y&#39;&lt;/b&gt;</p>`},
		{`<nav aria-label="{{t $.Msg "u"}}">`, `<nav aria-label="go">`},
		{`<p>{{t .Msg "n" 3}}</p>`, `<p>{{t .Msg "n" 3}}</p>`},
		{`<p>{{t $.Msg (print "a" .X)}}</p>`, `<p>{{t $.Msg (print "a" .X)}}</p>`},
		{`<p>{{t .Msg "missing"}}</p>`, `<p>{{t .Msg "missing"}}</p>`},
		{`<p>{{t .Msg "d"}}</p>`, `<p>{{t .Msg "d"}}</p>`},
		{`<a href="/x?q={{t .Msg "u"}}">`, `<a href="/x?q={{t .Msg "u"}}">`},
		{`<p style="{{t .Msg "u"}}">`, `<p style="{{t .Msg "u"}}">`},
		{`<p onclick="{{t .Msg "u"}}">`, `<p onclick="{{t .Msg "u"}}">`},
		{`<input value={{t .Msg "u"}}>`, `<input value={{t .Msg "u"}}>`},
		{`{{t .Msg "u"}} and {{t .Msg "u"}}`, `go and go`},
		// constant loops are unrolled, their messages baked
		{`{{range seq 1 2}}<option value="{{.}}">{{t $.Msg (print "s." .)}}</option>{{end}}`,
			`<option value="1">one</option><option value="2">two</option>`},
		{`<p>{{range seq 0 2}}{{.}} {{end}}</p>`, `<p>0 1 2 </p>`},
		{`{{range seq 1 2}}{{if .}}x{{end}}{{end}}`, `{{range seq 1 2}}{{if .}}x{{end}}{{end}}`},
	} {
		if got := bake(tc.src, c); got != tc.want {
			t.Errorf("bake(%s) = %s, want %s", tc.src, got, tc.want)
		}
	}
}
