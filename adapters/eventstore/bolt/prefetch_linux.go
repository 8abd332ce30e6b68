package bolt

import (
	"os"

	"golang.org/x/sys/unix"
)

// prefetchChunk is how much of the file one readahead request asks for: the kernel
// caps a WILLNEED request at its readahead window, so a single one for the whole file
// would read only its first megabytes.
const prefetchChunk = 2 << 20

// prefetch asks the kernel to read the whole file into the page cache (posix_fadvise
// WILLNEED, chunk by chunk: the reads are queued, not waited for, and nothing is copied
// to the process). bbolt maps the file with MADV_RANDOM, which turns off the kernel's
// readahead, so a scan of a file that is not cached (the first start after a reboot, or
// after the kernel reclaimed the pages) faults it in one 4 KiB page at a time: 14.6 s
// instead of 5.3 s for the catch-up of a million events here.
func prefetch(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	for off := int64(0); off < st.Size(); off += prefetchChunk {
		if err := unix.Fadvise(int(f.Fd()), off, prefetchChunk, unix.FADV_WILLNEED); err != nil {
			return err
		}
	}
	return nil
}
