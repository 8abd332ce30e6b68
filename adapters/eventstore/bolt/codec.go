package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// The record encoding: a compact binary form, 40% smaller than the JSON of
// eventlog.Record and eight times faster to encode and decode (BenchmarkCodec,
// figures in docs/PERFORMANCE.md). Every field is
// kept byte for byte, so a record reads back exactly as appended and its hash verifies:
//
//	byte   codecVersion (1)
//	[16]   id
//	varint version
//	str    stream, type
//	bytes  data (the JSON as given)
//	str    actor, correlation_id, causation_id, idempotency_key, request_hash, rule
//	uvarint lease_epoch (only in version 2: a record with a lease epoch)
//	bytes  occurred_at (time.Time.MarshalBinary: instant and zone offset)
//	str    prev_hash, hash
//
// where str and bytes are a uvarint length and the bytes. The position is the key. A
// record without a lease epoch (all but background duties' on several nodes, so every
// record of a single node) is written in version 1, byte for byte as before version 2.
const (
	codecVersion      = 1
	codecVersionEpoch = 2
)

var be = binary.BigEndian

// Limits checked before a record enters a transaction, so that a Put cannot fail half
// way through a batch (bbolt has no savepoints).
const (
	maxStreamName = 1024
	maxRecordSize = 64 << 20
)

func encodeRecord(r *eventlog.Record) ([]byte, error) {
	at, err := r.Meta.OccurredAt.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("occurred_at: %w", err)
	}
	m := &r.Meta
	n := 1 + 16 + binary.MaxVarintLen64 + len(at) + len(r.Data) + len(r.Stream) + len(r.Type) +
		len(m.Actor) + len(m.CorrelationID) + len(m.CausationID) + len(m.IdempotencyKey) +
		len(m.RequestHash) + len(m.Rule) + len(r.PrevHash) + len(r.Hash) + 13*binary.MaxVarintLen32
	buf := make([]byte, 0, n)
	if m.LeaseEpoch != 0 {
		buf = append(buf, codecVersionEpoch)
	} else {
		buf = append(buf, codecVersion)
	}
	buf = append(buf, r.ID[:]...)
	buf = binary.AppendVarint(buf, r.Version)
	for _, s := range []string{r.Stream, r.Type} {
		buf = appendString(buf, s)
	}
	buf = appendBytes(buf, r.Data)
	for _, s := range []string{m.Actor, m.CorrelationID, m.CausationID, m.IdempotencyKey, m.RequestHash, m.Rule} {
		buf = appendString(buf, s)
	}
	if m.LeaseEpoch != 0 {
		buf = binary.AppendUvarint(buf, m.LeaseEpoch)
	}
	buf = appendBytes(buf, at)
	buf = appendString(buf, r.PrevHash)
	buf = appendString(buf, r.Hash)
	return buf, nil
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

func appendBytes(buf, b []byte) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(b)))
	return append(buf, b...)
}

// decodeRecord copies everything out of buf, which bbolt owns only for the transaction.
func decodeRecord(pos uint64, buf []byte) (eventlog.Record, error) {
	d := decoder{buf: buf}
	r := eventlog.Record{Position: pos}
	v := d.byte()
	if v != codecVersion && v != codecVersionEpoch && d.err == nil {
		return r, fmt.Errorf("record %d: unknown encoding %d", pos, v)
	}
	copy(r.ID[:], d.take(16))
	r.Version = d.varint()
	r.Stream, r.Type = d.str(), d.str()
	if data := d.bytes(); data != nil {
		r.Data = append([]byte(nil), data...)
	}
	m := &r.Meta
	m.Actor, m.CorrelationID, m.CausationID = d.str(), d.str(), d.str()
	m.IdempotencyKey, m.RequestHash, m.Rule = d.str(), d.str(), d.str()
	if v == codecVersionEpoch {
		m.LeaseEpoch = d.uvarint()
	}
	at := d.bytes()
	r.PrevHash, r.Hash = d.str(), d.str()
	if d.err == nil && len(d.buf) != 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err == nil {
		var t time.Time
		if err := t.UnmarshalBinary(at); err != nil {
			d.err = err
		}
		m.OccurredAt = t
	}
	if d.err != nil {
		return r, fmt.Errorf("record %d: corrupt encoding: %w", pos, d.err)
	}
	return r, nil
}

// decoder reads the encoding; after the first error every read returns zero values.
type decoder struct {
	buf []byte
	err error
}

var errShort = errors.New("truncated")

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.buf) {
		d.fail(errShort)
		return nil
	}
	out := d.buf[:n:n]
	d.buf = d.buf[n:]
	return out
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) byte() byte {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

// varint is binary.Varint's zig-zag over uvarint, so that every length and number is
// read in one place.
func (d *decoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(errShort)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.fail(errShort)
	}
	return d.take(int(n))
}

func (d *decoder) str() string { return string(d.bytes()) }

// streamPrefix is the streams-bucket prefix of a stream: its length first, so that no
// stream's prefix is a prefix of another's.
func streamPrefix(stream string) []byte {
	p := binary.AppendUvarint(make([]byte, 0, len(stream)+binary.MaxVarintLen64+8), uint64(len(stream)))
	return append(p, stream...)
}

func indexKey(prefix []byte, version int64) []byte {
	return be.AppendUint64(append(make([]byte, 0, len(prefix)+8), prefix...), uint64(version))
}

func posKey(pos uint64) []byte { return be.AppendUint64(make([]byte, 0, 8), pos) }
