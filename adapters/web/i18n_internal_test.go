package web

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestEveryMessageIsInEveryCatalogue: the keys the templates and handlers use, and those
// built from statuses, timeline kinds and scores, are in both catalogues (loadCatalogues
// already refuses catalogues that differ).
func TestEveryMessageIsInEveryCatalogue(t *testing.T) {
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	keys := usedKeys(t)
	for _, s := range []domain.Status{domain.StatusReceived, domain.StatusClassified, domain.StatusAssigned, domain.StatusEscalated,
		domain.StatusWaiting, domain.StatusResolved, domain.StatusClosed} {
		keys = append(keys, "status."+string(s))
	}
	for _, k := range []string{projections.KindReceived, projections.KindReply, projections.KindCustomerReply, projections.KindAssigned,
		projections.KindWaiting, projections.KindResolved, projections.KindReopened, projections.KindClosed, projections.KindRating} {
		keys = append(keys, "kind."+k)
	}
	for i := 1; i <= 5; i++ {
		keys = append(keys, fmt.Sprintf("rating.score.%d", i))
	}
	for _, f := range []string{"name", "email", "subject", "body", "attachments", "number", "code", "score", "nps", "comment"} {
		keys = append(keys, "field."+f)
	}
	for _, l := range languages {
		for _, k := range keys {
			if cats[l][k] == "" {
				t.Errorf("i18n/%s.json has no %q", l, k)
			}
		}
	}
}

// usedKeys are the literal keys in templates ({{t .Msg "key"}}) and Go files ("error.…").
func usedKeys(t *testing.T) []string {
	var keys []string
	tmpl := regexp.MustCompile(`t \$?\.Msg "([^"]+)"`)
	goKey := regexp.MustCompile(`"((?:error|help|ticket|confirm)\.[a-z_]+)"`)
	err := fs.WalkDir(os.DirFS("."), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		re := map[string]*regexp.Regexp{".html": tmpl, ".go": goKey}[filepath.Ext(path)]
		if re == nil {
			return nil
		}
		raw, err := os.ReadFile(path)
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			keys = append(keys, m[1])
		}
		return err
	})
	if err != nil || len(keys) < 20 {
		t.Fatalf("found %d keys: %v", len(keys), err)
	}
	return keys
}

// TestTemplatesHoldNoWords: every word a page shows comes from a catalogue; between the
// tags and actions of a template there is only white space and punctuation.
func TestTemplatesHoldNoWords(t *testing.T) {
	strip := regexp.MustCompile(`(?s)\{\{.*?\}\}|<[^>]*>`)
	files, _ := filepath.Glob("templates/*.html")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rest := strings.Trim(strip.ReplaceAllString(string(raw), ""), " \n")
		if strings.TrimFunc(rest, func(r rune) bool { return strings.ContainsRune(" \n:·", r) }) != "" {
			t.Errorf("%s holds words outside the catalogues: %q", f, rest)
		}
	}
}
