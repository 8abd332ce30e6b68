// Package docs holds the documents that ship with the product. Only the OpenAPI document is
// embedded (go:embed cannot reach outside a package's directory): ticketd serves it as JSON
// at GET /openapi.json, and the HTTP adapter reads its query parameters from it.
package docs

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// OpenAPIYAML is docs/openapi.yaml as written.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

var openAPI = sync.OnceValues(func() ([]byte, error) { return yamlToJSON(OpenAPIYAML) })

// OpenAPIJSON is the OpenAPI document converted to JSON, once.
func OpenAPIJSON() ([]byte, error) { return openAPI() }

// yamlToJSON converts a YAML document (anchors resolved) to JSON. Mapping keys become strings
// (YAML would read an unquoted 200 as a number), and a YAML timestamp stays the text written.
func yamlToJSON(in []byte) ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(in, &doc); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	v, err := jsonValue(doc)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	return json.Marshal(v)
}

func jsonValue(v any) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[fmt.Sprint(k)] = j
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			j, err := jsonValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = j
		}
		return out, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	case nil, string, bool, int, int64, uint64, float64:
		return x, nil
	}
	return nil, fmt.Errorf("a %T has no JSON form", v)
}
