// Package bolt is the embedded default event store: one bbolt file in the data directory,
// no server to install.
//
// File layout (three top-level buckets):
//
//	events   8-byte big-endian global position → encoded record (codec.go; the position is the key, not in the value)
//	streams  uvarint(len(name)) ‖ name ‖ 8-byte big-endian version → 8-byte position
//	meta     "format" → layout version (1)
//
// Positions start at 1 and are contiguous: one writer goroutine assigns them (writer.go).
// ReadStream is a prefix scan of streams; a stream's current version is the last key of
// its prefix, so no separate head table has to be kept in step. Open reads the last key
// of events and nothing else, so it costs the same for ten events and ten million.
//
// Durability: bbolt fsyncs every read-write transaction before Commit returns (NoSync
// stays false), and Append acknowledges only after that commit. Concurrent appends share
// a transaction and so its fsyncs (group commit, writer.go).
package bolt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

var (
	bucketEvents  = []byte("events")
	bucketStreams = []byte("streams")
	bucketMeta    = []byte("meta")
	keyFormat     = []byte("format")
)

// FileName is the store file's name in the data directory: open
// filepath.Join(dataDir, bolt.FileName).
const FileName = "events.db"

// formatVersion is written to meta on creation; Open refuses files of another layout.
const formatVersion = 1

// ErrClosed is returned by calls on a closed store.
var ErrClosed = errors.New("bolt event store: closed")

// Store is the embedded event store. It is safe for concurrent use.
type Store struct {
	db   *bbolt.DB
	path string // kept here: bbolt clears its own on Close, which readers may race
	log  *slog.Logger
	cfg  config

	// reqs feeds the writer goroutine; closing guards sends against Close.
	reqs    chan *appendReq
	closing sync.RWMutex
	closed  bool
	done    chan struct{} // closed when the writer goroutine has ended
	stopped chan struct{} // closed by Close, to end subscriptions

	commits, appends, events atomic.Uint64 // counted by the writer, for Stats
	mapped                   mappedPages
	prefetched               atomic.Bool // the file was read ahead once (read.go)

	notifyMu sync.Mutex
	changed  chan struct{} // closed and replaced after each commit, to wake subscribers
}

var _ eventlog.EventStore = (*Store)(nil)

// Option tunes Open.
type Option func(*config)

type config struct {
	lockTimeout time.Duration
	maxBatch    int // how many appends share one transaction at most
	logger      *slog.Logger
	// releaseEvery and releaseAfter: when the mapped pages are released (mapped.go).
	releaseEvery int64
	releaseAfter time.Duration
	hold         func() // tests only: the writer calls it after taking a batch's first request
}

// WithLockTimeout sets how long Open waits for the file lock that another process holds
// (default 2 s, or less if ctx ends sooner); bbolt would otherwise wait forever.
func WithLockTimeout(d time.Duration) Option { return func(c *config) { c.lockTimeout = d } }

// Open opens or creates the store file at path (its directory must exist) and starts
// the writer. It reads no environment and creates nothing but that file.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	cfg := config{lockTimeout: 2 * time.Second, maxBatch: 1024, logger: slog.Default(),
		releaseEvery: releaseEvery, releaseAfter: releaseAfter}
	for _, o := range opts {
		o(&cfg)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < cfg.lockTimeout {
		cfg.lockTimeout = max(time.Until(deadline), time.Millisecond)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: cfg.lockTimeout, FreelistType: bbolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bbolt.ErrTimeout) {
			return nil, fmt.Errorf("bolt event store %s: locked by another process: %w", path, err)
		}
		return nil, fmt.Errorf("bolt event store %s: %w", path, err)
	}
	if created {
		// The new file's directory entry must be durable too, or a power cut could lose
		// the whole file with every acknowledged append in it.
		if err := syncDir(filepath.Dir(path)); err != nil {
			_ = db.Close()
			return nil, fmt.Errorf("bolt event store %s: sync directory: %w", path, err)
		}
	}
	last, err := prepare(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt event store %s: %w", path, err)
	}
	s := &Store{
		db: db, path: path, log: cfg.logger, cfg: cfg,
		reqs: make(chan *appendReq, cfg.maxBatch), done: make(chan struct{}),
		stopped: make(chan struct{}), changed: make(chan struct{}),
	}
	go s.runWriter()
	go s.releaseIdle()
	cfg.logger.Debug("bolt event store opened", "path", path, "last_position", last)
	return s, nil
}

// prepare creates the buckets of a new file, checks the layout of an old one, and
// returns the last position: the last key of events, found without a scan.
func prepare(db *bbolt.DB) (uint64, error) {
	var ready bool
	if err := db.View(func(tx *bbolt.Tx) error {
		ready = tx.Bucket(bucketMeta) != nil
		return nil
	}); err != nil {
		return 0, err
	}
	if !ready {
		if err := db.Update(createBuckets); err != nil {
			return 0, err
		}
	}
	var last uint64
	err := db.View(func(tx *bbolt.Tx) error {
		meta, events := tx.Bucket(bucketMeta), tx.Bucket(bucketEvents)
		if meta == nil || events == nil || tx.Bucket(bucketStreams) == nil {
			return errors.New("not an event store file: buckets missing")
		}
		if v := meta.Get(keyFormat); len(v) != 8 || be.Uint64(v) != formatVersion {
			return fmt.Errorf("unknown layout version %x (want %d)", v, formatVersion)
		}
		if k, _ := events.Cursor().Last(); k != nil {
			last = be.Uint64(k)
		}
		return nil
	})
	return last, err
}

func createBuckets(tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketEvents, bucketStreams, bucketMeta} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(keyFormat, be.AppendUint64(nil, formatVersion))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Close stops accepting appends, lets the writer finish those already queued, ends
// subscriptions (with ErrClosed) and releases the file.
func (s *Store) Close() error {
	s.closing.Lock()
	if s.closed {
		s.closing.Unlock()
		return nil
	}
	s.closed = true
	close(s.reqs)
	close(s.stopped)
	s.closing.Unlock()
	<-s.done
	return s.db.Close()
}

// Stats counts the writer's work since Open: Appends/Commits is the mean batch size,
// the measure of how well group commit shares fsyncs.
type Stats struct {
	Commits uint64 // read-write transactions committed
	Appends uint64 // appends committed (refused ones are not counted)
	Events  uint64 // records committed
}

// Stats returns the counts so far; a metrics exporter may poll it.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Appends: s.appends.Load(), Events: s.events.Load()}
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

// wake tells subscribers that new records are committed.
func (s *Store) wake() {
	s.notifyMu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.notifyMu.Unlock()
}

// waitChan returns the channel the next commit will close.
func (s *Store) waitChan() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	return s.changed
}
