package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// listed is what `go list -deps -json=…` says of one package.
type listed struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Module     *struct {
		Path string
		Main bool
	}
}

// TestLayering reads the module's import graph with one `go list` and fails on every
// import that breaks a layering rule (see the package comment).
func TestLayering(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Standard,Module", "./...")
	cmd.Dir = filepath.Join("..", "..", "..") // the module root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	std := map[string]bool{}
	var pkgs []Package
	module := ""
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		switch {
		case p.Standard:
			std[p.ImportPath] = true
		case p.Module != nil && p.Module.Main:
			module = p.Module.Path
			pkgs = append(pkgs, Package{ImportPath: p.ImportPath, Imports: p.Imports})
		}
	}
	if module == "" || len(pkgs) < 10 || len(std) == 0 {
		t.Fatalf("go list gave %d module packages (module %q) and %d standard ones: not the module's graph", len(pkgs), module, len(std))
	}
	for _, v := range Check(module, pkgs, func(p string) bool { return std[p] }) {
		t.Error(v)
	}
	checkPicture(t, module, pkgs)
}

// checkPicture fails when the code imports across floors in a way docs/ARCHITECTURE.md
// does not draw, or when the picture draws an import the code no longer has: the
// picture and the import graph must agree.
func checkPicture(t *testing.T, module string, pkgs []Package) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	drawn, err := DrawnEdges(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	actual := map[string]bool{}
	for _, e := range FloorEdges(module, pkgs) {
		actual[e] = true
		if !drawn[e] {
			t.Errorf("docs/ARCHITECTURE.md does not draw %s, which the code imports", e)
		}
	}
	for e := range drawn {
		if !actual[e] {
			t.Errorf("docs/ARCHITECTURE.md draws %s, which no package imports", e)
		}
	}
}

// TestPictureChecks proves the picture check can fail: an edge missing from the block
// and a malformed block are reported.
func TestPictureChecks(t *testing.T) {
	const m = "example.com/te"
	pkgs := []Package{
		{ImportPath: m + "/adapters/httpapi", Imports: []string{m + "/application/command", m + "/adapters/httpapi/x"}},
		{ImportPath: m + "/application/command", Imports: []string{m + "/domain"}},
	}
	if got := FloorEdges(m, pkgs); !reflect.DeepEqual(got, []string{"adapters -> application", "application -> domain"}) {
		t.Fatalf("floor edges %v", got)
	}
	drawn, err := DrawnEdges("x\n```floors\nadapters -> application\n```\n")
	if err != nil || !drawn["adapters -> application"] || drawn["application -> domain"] {
		t.Fatalf("drawn %v, %v", drawn, err)
	}
	if _, err := DrawnEdges("```floors\nadapters application\n```"); err == nil {
		t.Fatal("a line without -> was accepted")
	}
	if _, err := DrawnEdges("no block"); err == nil {
		t.Fatal("a document without the block was accepted")
	}
}

// TestRulesReportViolations proves the rules can fail: fabricated import edges, each
// breaking one rule, are all reported, and allowed ones are not.
func TestRulesReportViolations(t *testing.T) {
	const m = "example.com/te"
	pkgs := []Package{
		{ImportPath: m + "/domain", Imports: []string{"time", "github.com/google/uuid", m + "/domain/sla",
			m + "/application", "gopkg.in/yaml.v3"}},
		{ImportPath: m + "/domain/sla"},
		{ImportPath: m + "/application", Imports: []string{m + "/domain", m + "/adapters/httpapi",
			"github.com/jackc/pgx/v5", m + "/projections", m + "/cmd/internal/service"}},
		{ImportPath: m + "/application/policy", Imports: []string{m + "/application", "go.etcd.io/bbolt"}},
		{ImportPath: m + "/projections", Imports: []string{m + "/application", "github.com/ThreeDotsLabs/watermill/message",
			m + "/adapters/readmodel/memreadmodel"}},
		{ImportPath: m + "/adapters/httpapi", Imports: []string{m + "/application", "github.com/gorilla/mux",
			m + "/adapters/eventstore/memstore"}},
		{ImportPath: m + "/adapters/eventstore/memstore", Imports: []string{m + "/application"}},
		{ImportPath: m + "/adapters/eventstore/esdb", Imports: []string{m + "/adapters/eventstore/esdb/esdbtest",
			m + "/adapters/postgrestest"}},
		{ImportPath: m + "/adapters/eventstore/esdb/esdbtest", Imports: []string{"google.golang.org/grpc"}},
		{ImportPath: m + "/adapters/postgrestest", Imports: []string{"github.com/jackc/pgx/v5"}},
		{ImportPath: m + "/adapters/smtp", Imports: []string{m + "/cmd/ticketd"}},
		{ImportPath: m + "/cmd/ticketd", Imports: []string{m + "/adapters/httpapi", m + "/adapters/eventstore/esdb"}},
	}
	std := func(p string) bool { return !strings.Contains(strings.Split(p, "/")[0], ".") }
	var got [][2]string
	for _, v := range Check(m, pkgs, std) {
		got = append(got, [2]string{strings.TrimPrefix(v.From, m+"/"), strings.TrimPrefix(v.To, m+"/")})
	}
	want := [][2]string{
		{"adapters/eventstore/esdb", "adapters/postgrestest"},
		{"adapters/httpapi", "adapters/eventstore/memstore"},
		{"adapters/smtp", "cmd/ticketd"},
		{"application", "adapters/httpapi"},
		{"application", "cmd/internal/service"},
		{"application", "projections"},
		{"application", "github.com/jackc/pgx/v5"},
		{"application/policy", "go.etcd.io/bbolt"},
		{"domain", "application"},
		{"domain", "gopkg.in/yaml.v3"},
		{"projections", "adapters/readmodel/memreadmodel"},
		{"projections", "github.com/ThreeDotsLabs/watermill/message"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("violations:\n got %q\nwant %q", got, want)
	}
}
