//go:build !linux

package bolt

// dontNeed does nothing where madvise is not wired up: the pages stay mapped.
func dontNeed(addr uintptr, size int64) error { return nil }
