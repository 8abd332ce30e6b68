package hostile

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The hostile corpus: strings a hostile client may send, from three sources: the inputs
// issue 12 names, a fixed list of well-known troublemakers, and every string of the
// committed fuzz corpora (the edge rule, the canonical encoding, the backup line, the
// HTTP body walker, this package's command fuzzer), read at test time so that what the fuzzers find is replayed here too.

// fuzzCorpusDirs are the fuzz corpora replayed, relative to the module's root (found
// from the test's working directory, whichever package under this one runs it).
var fuzzCorpusDirs = []string{
	"domain/text/testdata/fuzz",
	"application/backup/testdata/fuzz",
	"application/testdata/fuzz",
	"adapters/httpapi/testdata/fuzz",
	"cmd/internal/service/testdata/fuzz",
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory: the fuzz corpora cannot be found")
		}
		dir = parent
	}
}

// maxCorpusStrings bounds the replay on every configuration but the memory store's,
// which replays the whole corpus (each string costs ~35 requests): above it, an even
// spread of the sorted strings is kept, so the budget holds however large the committed
// corpora grow.
const maxCorpusStrings = 160

// builtinHostile are the classics, whatever the fuzzers found.
var builtinHostile = []string{
	"hello\x00world", "\x00", "a\x00b", "\xff\xfe", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"tab\there", "line\nbreak", "cr\rlf\r\n", "\x1b[31mred", "\x7f", "\u0085next", "\u009b",
	"\u202eevil\u202c", "\u2066isolate", "\ufeffbom", "zero\u200bwidth", "\u00ad", "e\u0301\u0301\u0301",
	"😀👨‍👩‍👧", "𝕳𝖊𝖑𝖑𝖔", "\uffff", "\U0010ffff", `\u0000`, `%00`, "'; DROP TABLE events; --",
	"<script>alert(1)</script>", "${jndi:ldap://x}", "../../etc/passwd", "TK-%00", " ", "",
	strings.Repeat("很", 2100), strings.Repeat("a", 70_000),
}

// hostileStrings is the deduplicated corpus, builtins first, at most limit strings (0: all).
func hostileStrings(t *testing.T, limit int) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range builtinHostile {
		add(s)
	}
	var fuzzed []string
	root := moduleRoot(t)
	for _, dir := range fuzzCorpusDirs {
		fuzzed = append(fuzzed, readFuzzCorpus(t, filepath.Join(root, dir))...)
	}
	sort.Strings(fuzzed)
	fuzzed = slices.Compact(fuzzed)
	if room := limit - len(out); limit > 0 && len(fuzzed) > room && room > 0 {
		t.Logf("fuzz corpora hold %d distinct strings; replaying an even spread of %d", len(fuzzed), room)
		spread := make([]string, 0, room)
		for i := 0; i < room; i++ {
			spread = append(spread, fuzzed[i*len(fuzzed)/room])
		}
		fuzzed = spread
	}
	for _, s := range fuzzed {
		add(s)
	}
	return out
}

// readFuzzCorpus returns every string and []byte value of every corpus file under dir
// (one folder per fuzz target); a missing dir holds none.
func readFuzzCorpus(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		vals, err := parseFuzzFile(path)
		if err != nil {
			t.Errorf("fuzz corpus %s: %v", path, err)
		}
		out = append(out, vals...)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// parseFuzzFile reads a `go test fuzz v1` file: after the header, one value a line, such
// as string("…"), []byte("…"), int(3). Only the text values are kept.
func parseFuzzFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<16), 16<<20)
	var out []string
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if line == 1 {
			if l != "go test fuzz v1" {
				return nil, strconv.ErrSyntax
			}
			continue
		}
		for _, prefix := range []string{"string(", "[]byte("} {
			if strings.HasPrefix(l, prefix) && strings.HasSuffix(l, ")") {
				s, err := strconv.Unquote(l[len(prefix) : len(l)-1])
				if err != nil {
					return out, err
				}
				out = append(out, s)
			}
		}
	}
	return out, sc.Err()
}

// refusedText reports whether the edge rule must refuse s wherever it is sent: not UTF-8,
// or a control character other than tab, newline and CR (CR is normalised to LF).
func refusedText(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r != '\t' && r != '\n' && r != '\r' && (r < 0x20 || (r >= 0x7f && r <= 0x9f)) {
			return true
		}
	}
	return false
}
