// Package archtest holds the layering rules of the module as code, checked by its test
// against the import graph `go list` reports, so that CI fails when a rule breaks:
//
//   - domain imports only the standard library, github.com/google/uuid and domain/…;
//   - application and projections import no adapter, no cmd package and no driver
//     (drivers), and application does not import projections;
//   - an adapter imports no other adapter: a package under adapters/ and its own
//     subpackages are one adapter (adapters/eventstore/esdb and its esdbtest), so
//     test-only helpers of another adapter (adapters/postgrestest, …) may be imported
//     by tests only;
//   - nothing outside cmd/ imports cmd/;
//   - the imports between floors (cmd, adapters, projections, application, domain,
//     migrations, docs) are exactly those drawn in docs/ARCHITECTURE.md's floors block.
//
// Only non-test imports of non-test packages are checked: tests may use helpers of any
// layer.
package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// Package is one package of the module and its direct imports in non-test code, as
// `go list -json` reports them (ImportPath, Imports).
type Package struct {
	ImportPath string
	Imports    []string
}

// Violation is one import that breaks a rule.
type Violation struct {
	From, To string
	Rule     string
}

func (v Violation) String() string { return fmt.Sprintf("%s imports %s: %s", v.From, v.To, v.Rule) }

// drivers are the module paths of I/O libraries that only adapters and cmd may import.
var drivers = []string{
	"github.com/jackc/pgx",                // PostgreSQL
	"go.etcd.io/bbolt",                    // the embedded store
	"github.com/EventStore/",              // EventStoreDB client
	"github.com/gorilla/mux",              // HTTP routing
	"github.com/ThreeDotsLabs/watermill",  // the projection bus (and watermill-nats)
	"github.com/nats-io/",                 // NATS
	"google.golang.org/grpc",              // EventStoreDB's transport
	"github.com/pressly/goose",            // migrations
	"github.com/emersion/go-smtp",         // mail
	"github.com/prometheus/client_golang", // metrics
	// The search engine (bleve/v2, bleve_index_api). Its stemmer module,
	// github.com/blevesearch/snowballstem, is pure text code and no driver:
	// projections/searchtext uses it.
	"github.com/blevesearch/bleve",
}

// Check returns every import of pkgs that breaks a rule, sorted. module is the module
// path; standard reports whether an import path is in the standard library.
func Check(module string, pkgs []Package, standard func(string) bool) []Violation {
	packages := map[string]bool{}
	for _, p := range pkgs {
		packages[p.ImportPath] = true
	}
	var out []Violation
	for _, p := range pkgs {
		from, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			if standard(imp) {
				continue
			}
			to, own := strings.CutPrefix(imp, module+"/")
			if rule := broken(from, to, own, imp, packages, module); rule != "" {
				out = append(out, Violation{From: p.ImportPath, To: imp, Rule: rule})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}

// broken names the rule the import of imp (to, relative to the module when own) by the
// module package from breaks, or is "" when it breaks none.
func broken(from, to string, own bool, imp string, packages map[string]bool, module string) string {
	layer := top(from)
	if own && layer != "cmd" && top(to) == "cmd" {
		return "only cmd imports cmd"
	}
	switch layer {
	case "domain":
		if !(own && top(to) == "domain") && imp != "github.com/google/uuid" {
			return "the domain imports only the standard library, google/uuid and its own packages"
		}
	case "application", "projections":
		switch {
		case own && top(to) == "adapters":
			return layer + " imports no adapter"
		case own && layer == "application" && top(to) == "projections":
			return "application does not import projections"
		case !own && isDriver(imp):
			return layer + " imports no driver"
		}
	case "adapters":
		if own && top(to) == "adapters" {
			a, b := adapterOf(from, packages, module), adapterOf(to, packages, module)
			if a != b {
				return fmt.Sprintf("an adapter (%s) imports no other adapter (%s)", a, b)
			}
		}
	}
	return ""
}

// top is the first element of a module-relative path.
func top(rel string) string {
	first, _, _ := strings.Cut(rel, "/")
	return first
}

// adapterOf is the adapter a package under adapters/ belongs to: its shortest ancestor
// (or itself) that is a package, so that grouping folders without Go files
// (adapters/eventstore) hold several adapters, and a package's subpackages are its own.
func adapterOf(rel string, packages map[string]bool, module string) string {
	parts := strings.Split(rel, "/")
	for i := 2; i <= len(parts); i++ {
		if p := strings.Join(parts[:i], "/"); packages[module+"/"+p] {
			return p
		}
	}
	return rel
}

func isDriver(imp string) bool {
	for _, d := range drivers {
		if strings.HasPrefix(imp, d) {
			return true
		}
	}
	return false
}
