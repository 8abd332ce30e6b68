package bolt

import (
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// releaseEvery is how many bytes of records are read between two releases of the
// file's mapped pages, and releaseAfter how long after a read they are released anyway.
const (
	releaseEvery = 16 << 20
	releaseAfter = time.Second
)

// mappedPages keeps the file's pages out of ticketd's resident memory. bbolt reads the
// file through a shared, read-only memory map, and every page a read touches stays
// mapped, so after a catch-up over the whole history the process's RSS counts the whole
// file, though those pages are the kernel's page cache, not the process's own memory.
// Every releaseEvery bytes read, and releaseAfter after the last release when anything
// was read since, the store asks the kernel to unmap them
// (madvise(MADV_DONTNEED), which for a shared file mapping drops only the mapping: the
// page cache keeps the pages, and the next read of one maps it again without I/O).
type mappedPages struct {
	read      atomic.Int64
	releasing atomic.Bool
	releases  atomic.Uint64
}

// touched notes n bytes read through the map and starts a release when enough were.
func (s *Store) touched(n int) {
	if s.mapped.read.Add(int64(n)) < s.cfg.releaseEvery || !s.mapped.releasing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer s.mapped.releasing.Store(false)
		s.release()
	}()
}

// releaseIdle releases what was read since the last release every releaseAfter: the
// pages a scan touched after its last full releaseEvery, and those that steady traffic
// touches. It ends when the store closes.
func (s *Store) releaseIdle() {
	t := time.NewTicker(s.cfg.releaseAfter)
	defer t.Stop()
	for {
		select {
		case <-s.stopped:
			return
		case <-t.C:
			if s.mapped.read.Load() > 0 && s.mapped.releasing.CompareAndSwap(false, true) {
				s.release()
				s.mapped.releasing.Store(false)
			}
		}
	}
}

func (s *Store) release() {
	s.mapped.read.Store(0)
	if err := s.releaseMapped(); err != nil {
		s.log.Debug("bolt event store: releasing mapped pages", "err", err)
	}
}

// releaseMapped unmaps the file's pages from the process (see mappedPages), inside a
// read transaction: bbolt cannot remap the file while one is open.
func (s *Store) releaseMapped() error {
	err := s.db.View(func(tx *bbolt.Tx) error {
		s.mapped.releases.Add(1)
		return dontNeed(s.db.Info().Data, tx.Size())
	})
	if err != nil {
		return readError("release mapped pages", err)
	}
	return nil
}
