package bolt

import (
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// CodecRoundTrip encodes and decodes r, for the codec benchmark and tests outside the package.
func CodecRoundTrip(r eventlog.Record) (int, eventlog.Record) {
	enc, err := encodeRecord(&r)
	if err != nil {
		panic(err)
	}
	dec, err := decodeRecord(r.Position, enc)
	if err != nil {
		panic(err)
	}
	return len(enc), dec
}

// ReleaseMapped, MappedReleases and MapAddr expose the mapped-page release to the tests.
func (s *Store) ReleaseMapped() error   { return s.releaseMapped() }
func (s *Store) MappedReleases() uint64 { return s.mapped.releases.Load() }
func (s *Store) MapAddr() uintptr       { return s.db.Info().Data }

// WithRelease sets when the mapped pages are released: after every bytes read, or after
// this long when anything was read.
func WithRelease(every int64, after time.Duration) Option {
	return func(c *config) { c.releaseEvery, c.releaseAfter = every, after }
}
