package bolt

import "syscall"

// dontNeed drops the mapping of [addr, addr+size) from the process: madvise with
// MADV_DONTNEED. The address is bbolt's own map (DB.Info), passed to the kernel as a
// number, never dereferenced here.
func dontNeed(addr uintptr, size int64) error {
	if size <= 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
