package bolt_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkRawFsync is the disk's physical limit: one 4 KiB write and fdatasync per op,
// on a file in the same kind of directory the store benchmarks use. A bbolt commit costs
// two of them (data pages, then the meta page), so commits/s can be at most half of this.
// overwrite rewrites blocks already allocated; hole writes into a file extended by
// truncate (as bbolt grows its file), which makes the file system allocate blocks and so
// commit its journal on every fdatasync.
func BenchmarkRawFsync(b *testing.B) {
	b.Run("overwrite", func(b *testing.B) { rawFsync(b, false) })
	b.Run("hole", func(b *testing.B) { rawFsync(b, true) })
}

func rawFsync(b *testing.B, holes bool) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "fsync"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	page := make([]byte, 4096)
	for i := range page {
		page[i] = byte(i)
	}
	if holes {
		if err := f.Truncate(1 << 30); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		off := int64(i%256) * 4096
		if holes {
			off = int64(i) * 4096 % (1 << 30)
		}
		if _, err := f.WriteAt(page, off); err != nil {
			b.Fatal(err)
		}
		if err := syscall.Fdatasync(int(f.Fd())); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
}
