//go:build !linux

package bolt

// prefetch does nothing where posix_fadvise is not wired up.
func prefetch(path string) error { return nil }
