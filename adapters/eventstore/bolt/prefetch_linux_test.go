package bolt_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
)

// cached is the fraction of the file's pages in the page cache (mincore over a map of it).
func cached(t *testing.T, path string) float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (len(m)+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatal(errno)
	}
	n := 0
	for _, v := range vec {
		n += int(v & 1)
	}
	return float64(n) / float64(len(vec))
}

// A scan from the start has the kernel read the whole file ahead: bbolt's MADV_RANDOM
// map would otherwise fault a cold file in one page at a time.
func TestScanFromTheStartPrefetchesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), bolt.FileName)
	s := openStore(t, path)
	defer s.Close()
	appendStreams(t, s, 20, 1000)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED) // the store fsynced: clean pages go
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if c := cached(t, path); c > 0.5 {
		t.Skipf("the kernel kept %.0f%% of the file cached after FADV_DONTNEED: cannot test", 100*c)
	}
	if _, err := s.ReadAll(ctx(t), 0, 1); err != nil {
		t.Fatal(err)
	}
	// bbolt grows its file ahead of the data, and the kernel reads no holes: about half
	// this file is data. A scan of one record without the prefetch leaves 7% cached.
	deadline := time.Now().Add(10 * time.Second)
	for c := cached(t, path); c < 0.4; c = cached(t, path) {
		if time.Now().After(deadline) {
			t.Fatalf("%.0f%% of the file cached 10 s after a scan from the start began", 100*c)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
