package bolt_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt"
)

// mappedRSS is the resident size, in KiB, of the process's mapping that holds addr,
// from /proc/self/smaps.
func mappedRSS(t *testing.T, addr uintptr) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(fields[0], "-"); ok && !strings.HasSuffix(fields[0], ":") {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			continue
		}
		if in && fields[0] == "Rss:" {
			kib, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			return kib
		}
	}
	t.Fatalf("no mapping holds %#x", addr)
	return 0
}

// A read over the whole file maps all of it into the process; the release unmaps it
// (the page cache keeps it), and what is read afterwards is the same. Enough reading
// releases on its own.
func TestReadsReleaseTheMappedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), bolt.FileName)
	s := openStore(t, path, bolt.WithRelease(1<<40, time.Hour)) // no release but the test's
	want := appendStreams(t, s, 60, 1000)
	readAll := func() {
		t.Helper()
		got, err := s.ReadAll(ctx(t), 0, len(want)+1)
		if err != nil {
			t.Fatal(err)
		}
		sameRecords(t, "read all", got, want)
	}
	readAll()
	touched := mappedRSS(t, s.MapAddr())
	if touched < 8<<10 {
		t.Fatalf("after reading %d records the file's mapping holds %d KiB: expected the whole file", len(want), touched)
	}
	if err := s.ReleaseMapped(); err != nil {
		t.Fatal(err)
	}
	after := mappedRSS(t, s.MapAddr())
	t.Logf("mapped: %d KiB after reading the file, %d KiB after the release", touched, after)
	if after > touched/10 {
		t.Fatalf("after the release the mapping holds %d KiB of %d", after, touched)
	}
	readAll()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		what  string
		every int64
		after time.Duration
	}{{"every 16 MiB read", 16 << 20, time.Hour}, {"a second after a read", 1 << 40, time.Second}} {
		t.Run(tc.what, func(t *testing.T) {
			s := openStore(t, path, bolt.WithRelease(tc.every, tc.after))
			defer s.Close()
			readAll := func() {
				t.Helper()
				if got, err := s.ReadAll(ctx(t), 0, len(want)+1); err != nil || len(got) != len(want) {
					t.Fatalf("read all: %d records (%v)", len(got), err)
				}
			}
			readAll()
			waitForRelease(t, s)
		})
	}
}

func waitForRelease(t *testing.T, s *bolt.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.MappedReleases() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no release (%d KiB mapped)", mappedRSS(t, s.MapAddr()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
