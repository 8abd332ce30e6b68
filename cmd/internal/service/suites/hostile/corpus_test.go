package hostile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseFuzzFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed")
	content := "go test fuzz v1\nstring(\"a\\x00b\")\n[]byte(\"\\xff\\xfe\")\nint64(3)\nbool(true)\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := parseFuzzFile(path)
	if err != nil || len(got) != 2 || got[0] != "a\x00b" || got[1] != "\xff\xfe" {
		t.Fatalf("parsed %q, %v", got, err)
	}
	if err := os.WriteFile(path, []byte("not a corpus file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := parseFuzzFile(path); err == nil {
		t.Fatal("a file without the header was read")
	}
}
