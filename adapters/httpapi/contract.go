package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/docs"
)

// contractRoutes serves the OpenAPI document at GET /openapi.json (anyone) and holds every
// route to the query parameters the document declares for it: the document is the one
// allow-list, so the contract and the server cannot disagree about them.
func (s *Server) contractRoutes(r *mux.Router) {
	c, err := contract()
	doc, params := c.doc, c.params
	if err != nil {
		panic(err) // the embedded document is tested in docs/; it cannot fail at run time
	}
	r.Use(s.checkQueryNames(params))
	r.Handle("/openapi.json", s.instrument("/openapi.json", "", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(doc)
	}))).Methods(http.MethodGet)
}

// queryParams are the query parameters each operation declares, by "METHOD /template".
type queryParams map[string]map[string]bool

// apiContract is the OpenAPI document as JSON and its query parameters.
type apiContract struct {
	doc    []byte
	params queryParams
}

// contract reads the document once (every Server of the process shares it).
var contract = sync.OnceValues(func() (apiContract, error) {
	doc, err := docs.OpenAPIJSON()
	if err != nil {
		return apiContract{}, err
	}
	params, err := declaredQueryParams(doc)
	return apiContract{doc: doc, params: params}, err
})

type apiParam struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

// declaredQueryParams reads every operation's query parameters (its own and its path's),
// following references to components/parameters.
func declaredQueryParams(doc []byte) (queryParams, error) {
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]apiParam `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	resolve := func(list []apiParam) ([]apiParam, error) {
		out := make([]apiParam, 0, len(list))
		for _, p := range list {
			if p.Ref != "" {
				name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
				q, ok := d.Components.Parameters[name]
				if !ok {
					return nil, fmt.Errorf("openapi: parameter %s does not resolve", p.Ref)
				}
				p = q
			}
			out = append(out, p)
		}
		return out, nil
	}
	out := queryParams{}
	for path, item := range d.Paths {
		var shared []apiParam
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &shared); err != nil {
				return nil, fmt.Errorf("openapi: %s parameters: %w", path, err)
			}
		}
		for method, raw := range item {
			if method == "parameters" || method == "summary" || method == "description" || strings.HasPrefix(method, "x-") {
				continue
			}
			var op struct {
				Parameters []apiParam `json:"parameters"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("openapi: %s %s: %w", method, path, err)
			}
			all, err := resolve(append(append([]apiParam(nil), shared...), op.Parameters...))
			if err != nil {
				return nil, err
			}
			names := map[string]bool{}
			for _, p := range all {
				if p.In == "query" {
					names[p.Name] = true
				}
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out, nil
}

// checkQueryNames is router middleware: a query parameter the matched operation does not
// declare is a 400 naming it, so a misspelt or unsupported filter never silently matches
// everything. A route the document lacks is not checked here (TestRoutesMatchOpenAPI fails).
func (s *Server) checkQueryNames(params queryParams) mux.MiddlewareFunc {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tmpl, err := mux.CurrentRoute(r).GetPathTemplate()
			allowed, known := params[r.Method+" "+tmpl]
			if err != nil || !known || r.URL.RawQuery == "" {
				next.ServeHTTP(w, r)
				return
			}
			var unknown []string
			for name := range r.URL.Query() {
				if !allowed[name] {
					unknown = append(unknown, name)
				}
			}
			if len(unknown) == 0 {
				next.ServeHTTP(w, r)
				return
			}
			sort.Strings(unknown) // the same request always names the same parameter
			s.writeProblem(w, r, edgeFieldError(unknown[0], "is not a query parameter of "+r.Method+" "+tmpl+" (it takes: "+list(allowed)+")"))
		})
	}
}

func list(names map[string]bool) string {
	if len(names) == 0 {
		return "none"
	}
	out := make([]string, 0, len(names))
	for n := range names {
		out = append(out, n)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
