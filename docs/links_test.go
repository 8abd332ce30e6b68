package docs_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocsLinkOnlyTheRepository: README.md and docs/*.md link only files that exist in the
// repository (web addresses aside), and never name ../shared, which is not shipped.
func TestDocsLinkOnlyTheRepository(t *testing.T) {
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("..", "README.md"))
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "../shared") {
			t.Errorf("%s names ../shared, which is outside the repository", f)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target, _, _ := strings.Cut(m[1], "#")
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			checked++
			path, _ := filepath.Abs(filepath.Join(filepath.Dir(f), target))
			if rel, err := filepath.Rel(root, path); err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links %s, outside the repository", f, m[1])
			} else if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links %s: %v", f, m[1], err)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("checked only %d links", checked)
	}
}
