package domain_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDomainImportsOnlyStdlibAndUUID keeps the domain pure: its non-test files may import the
// standard library, github.com/google/uuid and its own sub-packages (held to the same rule),
// nothing else. A standard-library path has no
// dot in its first element; every module path outside it does.
func TestDomainImportsOnlyStdlibAndUUID(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := filepath.Glob("*/*.go") // the domain's own pure packages (domain/text)
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, sub...)
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checked++
		for _, imp := range f.Imports {
			path, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				t.Fatalf("%s: import %s: %v", name, imp.Path.Value, err)
			}
			if !allowedImport(path) {
				t.Errorf("%s imports %q: domain/ may import only the standard library and github.com/google/uuid", name, path)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no domain source files found")
	}
}

// domainPkg is this package; its sub-packages are held to the same rule.
const domainPkg = "github.com/ticketengine/ticketengine/domain"

func allowedImport(path string) bool {
	if path == "github.com/google/uuid" || strings.HasPrefix(path, domainPkg+"/") {
		return true
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "C"
}

func TestAllowedImport(t *testing.T) {
	for path, want := range map[string]bool{
		"time": true, "encoding/json": true, "github.com/google/uuid": true,
		"github.com/google/uuid/v2": false, "github.com/ticketengine/ticketengine/application": false,
		"github.com/ticketengine/ticketengine/domain/text": true, "github.com/ticketengine/ticketengine/domainx": false,
		"golang.org/x/text": false, "gopkg.in/yaml.v3": false, "C": false,
	} {
		if got := allowedImport(path); got != want {
			t.Errorf("allowedImport(%q) = %v, want %v", path, got, want)
		}
	}
}
