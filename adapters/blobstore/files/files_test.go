package files_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/adapters/blobstore/files"
	"github.com/ticketengine/ticketengine/application"
)

// TestPutOpenDelete: a file is kept under its SHA-256, read back whole, stored once when
// put twice, and deleted; a put whose reader fails leaves nothing, not even its
// temporary file.
func TestPutOpenDelete(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := files.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	sum, size, err := s.Put(ctx, strings.NewReader("hello"))
	want := sha256.Sum256([]byte("hello"))
	if err != nil || sum != hex.EncodeToString(want[:]) || size != 5 {
		t.Fatalf("put: %s %d %v", sum, size, err)
	}
	if again, _, err := s.Put(ctx, strings.NewReader("hello")); err != nil || again != sum {
		t.Fatalf("put again: %s %v", again, err)
	}
	f, err := s.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(f)
	f.Close()
	if string(b) != "hello" || s.Path(sum) != filepath.Join(dir, sum[:2], sum) {
		t.Fatalf("read %q from %s", b, s.Path(sum))
	}
	broken := io.MultiReader(strings.NewReader("partial"), failing{})
	if _, _, err := s.Put(ctx, broken); !errors.Is(err, errBroken) {
		t.Fatalf("a failing reader: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if err := s.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, sum); !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("open after delete: %v", err)
	}
	if err := s.Delete(ctx, sum); err != nil {
		t.Fatalf("delete twice: %v", err)
	}
}

var errBroken = errors.New("broken")

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errBroken }
