package bolt

import (
	"os"

	"golang.org/x/sys/unix"
)

// prefetch asks the kernel to read the whole file into the page cache in the background
// (posix_fadvise WILLNEED). bbolt maps the file with MADV_RANDOM, which turns off the
// kernel's readahead, so a scan of a file that is not cached (the first start after a
// reboot, or after the kernel reclaimed the pages) faults it in one 4 KiB page at a
// time: 14.6 s instead of 5.3 s for the catch-up of a million events here.
func prefetch(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_WILLNEED)
}
