package docs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ticketengine/ticketengine/docs"
)

// TestOpenAPIIsValid: the document loads and validates as OpenAPI 3.1 with kin-openapi,
// the library the component suite checks requests and responses with.
func TestOpenAPIIsValid(t *testing.T) {
	raw, err := docs.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestOpenAPIResponsesAreClosed is the lint: every object schema reachable from a response
// says additionalProperties: false, so a field the document does not declare fails the
// component suite. A map (no properties, additionalProperties a schema: projection
// failures by read model name) is closed to values of that schema and is allowed.
func TestOpenAPIResponsesAreClosed(t *testing.T) {
	doc := jsonDoc(t)
	var open []string
	seen := map[string]bool{}
	var walk func(where string, s any)
	walk = func(where string, s any) {
		m, ok := s.(map[string]any)
		if !ok {
			return
		}
		if ref, ok := m["$ref"].(string); ok {
			if seen[ref] {
				return
			}
			seen[ref] = true
			walk(ref, resolve(t, doc, ref))
		}
		if isObjectSchema(m) {
			ap, has := m["additionalProperties"]
			_, hasProps := m["properties"]
			switch {
			case !has:
				open = append(open, where+": no additionalProperties")
			case ap == true:
				open = append(open, where+": additionalProperties: true")
			case ap != false && hasProps:
				open = append(open, where+": properties and an additionalProperties schema")
			}
		}
		for _, k := range []string{"properties", "patternProperties", "$defs"} {
			if props, ok := m[k].(map[string]any); ok {
				for name, p := range props {
					walk(where+"."+name, p)
				}
			}
		}
		for _, k := range []string{"items", "additionalProperties", "not", "contains"} {
			walk(where+"."+k, m[k])
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
			if list, ok := m[k].([]any); ok {
				for i, e := range list {
					walk(fmt.Sprintf("%s.%s[%d]", where, k, i), e)
				}
			}
		}
	}
	n := 0
	forEachResponseSchema(t, doc, func(where string, schema any) {
		n++
		walk(where, schema)
	})
	if n < 20 {
		t.Fatalf("walked only %d response schemas", n)
	}
	sort.Strings(open)
	for _, o := range open {
		t.Errorf("open response schema at %s", o)
	}
}

// TestOpenAPILintFindsAnOpenSchema: the lint's predicate catches what it is for.
func TestOpenAPILintFindsAnOpenSchema(t *testing.T) {
	for _, s := range []map[string]any{
		{"type": "object", "properties": map[string]any{"a": map[string]any{}}},
		{"properties": map[string]any{"a": map[string]any{}}, "additionalProperties": true},
		{"type": []any{"object", "null"}},
	} {
		if !isObjectSchema(s) {
			t.Errorf("%v is not seen as an object schema", s)
		}
	}
	if isObjectSchema(map[string]any{"type": "string"}) {
		t.Error("a string schema is seen as an object schema")
	}
}

func isObjectSchema(m map[string]any) bool {
	if _, ok := m["properties"]; ok {
		return true
	}
	switch ty := m["type"].(type) {
	case string:
		return ty == "object"
	case []any:
		for _, e := range ty {
			if e == "object" {
				return true
			}
		}
	}
	return false
}

func jsonDoc(t *testing.T) map[string]any {
	t.Helper()
	raw, err := docs.OpenAPIJSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// resolve follows a local $ref ("#/components/…").
func resolve(t *testing.T, doc map[string]any, ref string) any {
	t.Helper()
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("$ref %s does not resolve", ref)
		}
		cur = m[part]
	}
	if cur == nil {
		t.Fatalf("$ref %s does not resolve", ref)
	}
	return cur
}

// forEachResponseSchema calls fn with the schema of every response's every media type.
func forEachResponseSchema(t *testing.T, doc map[string]any, fn func(where string, schema any)) {
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		ops, _ := item.(map[string]any)
		for method, op := range ops {
			o, ok := op.(map[string]any)
			if !ok || method == "parameters" {
				continue
			}
			responses, _ := o["responses"].(map[string]any)
			for status, res := range responses {
				r, _ := res.(map[string]any)
				if ref, ok := r["$ref"].(string); ok {
					r, _ = resolve(t, doc, ref).(map[string]any)
				}
				content, _ := r["content"].(map[string]any)
				for mt, media := range content {
					m, _ := media.(map[string]any)
					fn(fmt.Sprintf("%s %s %s %s", method, path, status, mt), m["schema"])
				}
			}
		}
	}
}
