package domain

import (
	"fmt"
	"strings"
)

// Macro templates: text with variables in double braces, {{customer.name}}. The names
// are a closed set (MacroVariables); a template naming another, or with a "{{" that is
// never closed or a "}}" never opened, is refused when the macro is saved, so applying a
// saved macro never meets a bad template.

// MacroVariables are the names a template may use, each at most maxShortText characters
// when filled (the customer's name, the ticket's number, the agent's name).
var MacroVariables = []string{"customer.name", "ticket.number", "agent.name"}

// templatePart is a piece of a parsed template: literal text, or a variable.
type templatePart struct {
	text     string
	variable bool
}

// parseTemplate splits a template into its parts, or says what is wrong with it.
func parseTemplate(s string) ([]templatePart, error) {
	var parts []templatePart
	for s != "" {
		open := strings.Index(s, "{{")
		lit := s
		if open >= 0 {
			lit = s[:open]
		}
		if strings.Contains(lit, "}}") {
			return nil, fmt.Errorf("has a }} without a {{ before it")
		}
		if lit != "" {
			parts = append(parts, templatePart{text: lit})
		}
		if open < 0 {
			break
		}
		end := strings.Index(s[open+2:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("has a {{ without a }} after it")
		}
		name := strings.TrimSpace(s[open+2 : open+2+end])
		if !isMacroVariable(name) {
			return nil, fmt.Errorf("uses the unknown variable {{%s}}; known: {{%s}}", name, strings.Join(MacroVariables, "}}, {{"))
		}
		parts = append(parts, templatePart{text: name, variable: true})
		s = s[open+2+end+2:]
	}
	return parts, nil
}

func isMacroVariable(name string) bool {
	for _, v := range MacroVariables {
		if v == name {
			return true
		}
	}
	return false
}

// CheckTemplate reports what is wrong with a template, nil if nothing.
func CheckTemplate(s string) error {
	_, err := parseTemplate(s)
	return err
}

// maxRenderedLength is the most characters the template can fill to: its text, and
// every variable at its longest.
func maxRenderedLength(parts []templatePart) int {
	n := 0
	for _, p := range parts {
		if p.variable {
			n += maxShortText
		} else {
			n += len([]rune(p.text))
		}
	}
	return n
}

// RenderTemplate fills a template's variables from vars (a missing one is empty). A
// template that does not parse is returned as it is: saved macros always parse.
func RenderTemplate(s string, vars map[string]string) string {
	parts, err := parseTemplate(s)
	if err != nil {
		return s
	}
	var b strings.Builder
	for _, p := range parts {
		if p.variable {
			b.WriteString(vars[p.text])
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}
