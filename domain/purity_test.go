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
// standard library and github.com/google/uuid, nothing else. A standard-library path has no
// dot in its first element; every module path outside it does.
func TestDomainImportsOnlyStdlibAndUUID(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
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

func allowedImport(path string) bool {
	if path == "github.com/google/uuid" {
		return true
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "C"
}

func TestAllowedImport(t *testing.T) {
	for path, want := range map[string]bool{
		"time": true, "encoding/json": true, "github.com/google/uuid": true,
		"github.com/google/uuid/v2": false, "github.com/ticketengine/ticketengine/application": false,
		"golang.org/x/text": false, "gopkg.in/yaml.v3": false, "C": false,
	} {
		if got := allowedImport(path); got != want {
			t.Errorf("allowedImport(%q) = %v, want %v", path, got, want)
		}
	}
}
