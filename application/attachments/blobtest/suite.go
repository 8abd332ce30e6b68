// Package blobtest is the conformance suite of attachments.Blobs: every store of the
// attachments' files (adapters/blobstore/files, memory, s3blob) runs it from its tests.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// Subject is a store under test, and how to see everything it keeps.
type Subject struct {
	Blobs attachments.Blobs
	// Kept lists every object or file the store holds, its temporary ones included, in
	// any order and naming: the suite compares it before and after a failed Put.
	Kept func(ctx context.Context) ([]string, error)
}

// Run checks an empty store from open for every sub-test.
func Run(t *testing.T, open func(t *testing.T) Subject) {
	t.Run("PutOpenDelete", func(t *testing.T) { testPutOpenDelete(t, open(t)) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, open(t)) })
	t.Run("Large", func(t *testing.T) { testLarge(t, open(t)) })
	t.Run("FailedPutLeavesNothing", func(t *testing.T) { testFailedPut(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { testConcurrent(t, open(t)) })
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func put(t *testing.T, s attachments.Blobs, b []byte) string {
	t.Helper()
	got, size, err := s.Put(context.Background(), bytes.NewReader(b))
	if err != nil || got != sum(b) || size != int64(len(b)) {
		t.Fatalf("put %d bytes: %s %d %v; want %s", len(b), got, size, err, sum(b))
	}
	return got
}

func read(t *testing.T, s attachments.Blobs, sha string) []byte {
	t.Helper()
	f, err := s.Open(context.Background(), sha)
	if err != nil {
		t.Fatalf("open %s: %v", sha, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("read %s: %v", sha, err)
	}
	return b
}

func mustBeMissing(t *testing.T, s attachments.Blobs, sha, what string) {
	t.Helper()
	f, err := s.Open(context.Background(), sha)
	if err == nil {
		f.Close()
	}
	if !errors.Is(err, application.ErrNotFound) {
		t.Fatalf("%s: open %q: %v, want ErrNotFound", what, sha, err)
	}
}

// testPutOpenDelete: a file is kept under its SHA-256 and read back whole, an equal one
// put again is the same file, an empty file is a file, and a deleted one is gone (a
// second delete is no error); another file stays.
func testPutOpenDelete(t *testing.T, s Subject) {
	ctx := context.Background()
	hello, other := []byte("hello, 你好"), []byte("another file")
	sha := put(t, s.Blobs, hello)
	if again := put(t, s.Blobs, hello); again != sha {
		t.Fatalf("the same content twice: %s then %s", sha, again)
	}
	keep := put(t, s.Blobs, other)
	empty := put(t, s.Blobs, nil)
	if got := read(t, s.Blobs, sha); !bytes.Equal(got, hello) {
		t.Fatalf("read %q, want %q", got, hello)
	}
	if got := read(t, s.Blobs, empty); len(got) != 0 {
		t.Fatalf("the empty file reads %q", got)
	}
	if err := s.Blobs.Delete(ctx, sha); err != nil {
		t.Fatal(err)
	}
	mustBeMissing(t, s.Blobs, sha, "after delete")
	if err := s.Blobs.Delete(ctx, sha); err != nil {
		t.Fatalf("delete twice: %v", err)
	}
	if got := read(t, s.Blobs, keep); !bytes.Equal(got, other) {
		t.Fatalf("the other file reads %q", got)
	}
}

// testMissing: an unknown hash and strings that are no hash (a path, upper case) are
// not found, never another error; deleting them is no error.
func testMissing(t *testing.T, s Subject) {
	put(t, s.Blobs, []byte("present"))
	for _, sha := range []string{sum([]byte("absent")), "", "../../etc/passwd", strings.ToUpper(sum([]byte("present"))), "zz"} {
		mustBeMissing(t, s.Blobs, sha, "missing")
		if err := s.Blobs.Delete(context.Background(), sha); err != nil {
			t.Fatalf("delete %q: %v", sha, err)
		}
	}
}

// testLarge: a file of 12 MiB, more than one part of a multipart upload, comes back whole.
func testLarge(t *testing.T, s Subject) {
	b := make([]byte, 12<<20+12345)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	sha := put(t, s.Blobs, b)
	if got := read(t, s.Blobs, sha); !bytes.Equal(got, b) {
		t.Fatalf("read %d bytes back (sha %s), want the %d put", len(got), sum(got), len(b))
	}
}

var errBroken = errors.New("the upload broke")

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errBroken }

// testFailedPut: a Put whose reader fails, small or past the first part, or whose context
// ends, returns that error and leaves the store as it was.
func testFailedPut(t *testing.T, s Subject) {
	put(t, s.Blobs, []byte("kept"))
	before := kept(t, s)
	small := io.MultiReader(strings.NewReader("partial"), failing{})
	if _, _, err := s.Blobs.Put(context.Background(), small); !errors.Is(err, errBroken) {
		t.Fatalf("a failing reader: %v", err)
	}
	large := io.MultiReader(bytes.NewReader(make([]byte, 7<<20)), failing{})
	if _, _, err := s.Blobs.Put(context.Background(), large); !errors.Is(err, errBroken) {
		t.Fatalf("a reader failing after 7 MiB: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := s.Blobs.Put(ctx, strings.NewReader("too late")); err == nil {
		t.Fatal("a put with its context ended succeeded")
	}
	if after := kept(t, s); !slices.Equal(before, after) {
		t.Fatalf("failed puts left %v (before: %v)", after, before)
	}
	mustBeMissing(t, s.Blobs, sum([]byte("partial")), "the partial upload")
}

func kept(t *testing.T, s Subject) []string {
	t.Helper()
	names, err := s.Kept(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	return names
}

// testConcurrent: uploads at once, some of equal content, each come back whole.
func testConcurrent(t *testing.T, s Subject) {
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := bytes.Repeat([]byte{byte('a' + i%4)}, 1000+i%4)
			sha, _, err := s.Blobs.Put(context.Background(), bytes.NewReader(b))
			if err == nil && sha != sum(b) {
				err = errors.New("a wrong hash")
			}
			if err == nil {
				var f io.ReadCloser
				if f, err = s.Blobs.Open(context.Background(), sha); err == nil {
					got, _ := io.ReadAll(f)
					f.Close()
					if !bytes.Equal(got, b) {
						err = errors.New("another file's content")
					}
				}
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
