package memreadmodel

import (
	"encoding/binary"
	"time"
	"unsafe"

	"github.com/ticketengine/ticketengine/domain"
)

// packed is a ticket's state as the store keeps it: encoded into one byte slice, about
// 400 bytes for a ticket with its strings, where the struct and its strings take 900 or
// more and give the garbage collector a dozen pointers to follow. Rows are read far
// less often than they are kept (a queue page, a portal view, a KPI report), so decoding
// on read is the right trade for a store that must hold every ticket in memory.
// The slice is never written after packing, so decoded strings point into it instead of
// being copied, and rows at the same version are shared between projections.
type packed struct {
	version int64
	b       []byte
}

// pack encodes a ticket's state. CreatedAt comes first and the other times are offsets
// from it (a few bytes each instead of eight); unpack reverses it exactly.
func pack(t *domain.TicketState) *packed {
	w := packer{b: make([]byte, 0, 256)}
	w.time(t.CreatedAt, time.Time{})
	w.b = append(w.b, t.ID[:]...)
	w.str(t.Number)
	w.str(t.AccessCodeHash)
	w.varint(t.Version)
	w.str(string(t.Status))
	w.str(string(t.Channel))
	w.bools(t.Unverified, t.CustomerErased) // here, not with the flags below: the list's filter reads it (head)
	w.str(t.Customer.ID)
	w.str(t.Customer.Name)
	w.str(t.Customer.Email)
	w.str(string(t.Customer.Tier))
	w.str(t.Customer.Language)
	w.str(t.Customer.RecordID)
	w.str(t.Customer.Phone)
	w.str(t.Subject)
	w.str(t.Category)
	w.str(string(t.Priority))
	w.str(t.Team)
	w.b = append(w.b, t.Assignee[:]...)
	w.str(t.Tags.Joined())
	w.str(t.AssigneeName)
	w.varint(int64(t.EscalationLevel))
	for _, at := range []time.Time{t.UpdatedAt, t.SLA.FirstResponseDue, t.SLA.ResolutionDue, t.ClockStart,
		t.WaitingSince, t.FirstRespondedAt, t.ResolvedAt, t.FirstResponseWarned, t.ResolutionWarned} {
		w.time(at, t.CreatedAt)
	}
	w.varint(int64(t.Paused))
	w.str(string(t.StatusBeforeWait))
	w.varint(int64(t.PublicReplies))
	w.varint(int64(t.Resolutions))
	w.varint(int64(t.RatedFor))
	w.bools(t.FirstResponseBreached, t.ResolutionBreached, t.Escalated, t.Reopened)
	w.str(t.Source) // the intake and the follow-up (application/inbound)
	w.b = append(w.b, t.FollowUpOf[:]...)
	w.varint(int64(t.PausedWork))
	w.varint(int64(t.SLA.WaitedWork)) // zero in a folded state (resume moves it to PausedWork), kept for an exact round trip
	w.time(t.StageSince, t.CreatedAt)
	w.str(t.StageActed)
	w.bools(t.StageAnswered, false, false, false)
	w.varint(int64(t.WaitedWorkBefore))
	return &packed{version: t.Version, b: clip(w.b)}
}

// state decodes the row.
func (p *packed) state() domain.TicketState {
	r := unpacker{b: p.b}
	var t domain.TicketState
	t.CreatedAt = r.time(time.Time{})
	copy(t.ID[:], r.next(16))
	t.Number = r.str()
	t.AccessCodeHash = r.str()
	t.Version = r.varint()
	t.Status = domain.Status(r.str())
	t.Channel = domain.Channel(r.str())
	t.Unverified, t.CustomerErased, _, _ = r.bools()
	t.Customer.ID = r.str()
	t.Customer.Name = r.str()
	t.Customer.Email = r.str()
	t.Customer.Tier = domain.Tier(r.str())
	t.Customer.Language = r.str()
	t.Customer.RecordID = r.str()
	t.Customer.Phone = r.str()
	t.Subject = r.str()
	t.Category = r.str()
	t.Priority = domain.Priority(r.str())
	t.Team = r.str()
	copy(t.Assignee[:], r.next(16))
	t.Tags = domain.TagListOf(r.str())
	t.AssigneeName = r.str()
	t.EscalationLevel = int(r.varint())
	for _, at := range []*time.Time{&t.UpdatedAt, &t.SLA.FirstResponseDue, &t.SLA.ResolutionDue, &t.ClockStart,
		&t.WaitingSince, &t.FirstRespondedAt, &t.ResolvedAt, &t.FirstResponseWarned, &t.ResolutionWarned} {
		*at = r.time(t.CreatedAt)
	}
	t.Paused = time.Duration(r.varint())
	t.StatusBeforeWait = domain.Status(r.str())
	t.PublicReplies = int(r.varint())
	t.Resolutions = int(r.varint())
	t.RatedFor = int(r.varint())
	t.FirstResponseBreached, t.ResolutionBreached, t.Escalated, t.Reopened = r.bools()
	t.Source = r.str()
	copy(t.FollowUpOf[:], r.next(16))
	t.PausedWork = time.Duration(r.varint())
	t.SLA.WaitedWork = time.Duration(r.varint())
	t.StageSince = r.time(t.CreatedAt)
	t.StageActed = r.str()
	t.StageAnswered, _, _, _ = r.bools()
	t.WaitedWorkBefore = time.Duration(r.varint())
	return t
}

// head decodes the fields up to the assignee and the tags, what the ticket list filters and orders
// on (projections.MatchesTicket, TicketBefore: the customer's email and record id and
// the unverified flag make the ticket's record), and leaves the rest zero: a list read
// decodes every row this far and only its page in full. It follows state's order.
func (p *packed) head() domain.TicketState {
	r := unpacker{b: p.b}
	var t domain.TicketState
	t.CreatedAt = r.time(time.Time{})
	copy(t.ID[:], r.next(16))
	t.Number = r.str()
	r.str() // the access code's hash
	t.Version = r.varint()
	t.Status = domain.Status(r.str())
	t.Channel = domain.Channel(r.str())
	t.Unverified, t.CustomerErased, _, _ = r.bools()
	t.Customer.ID = r.str()
	r.str() // the customer's name
	t.Customer.Email = r.str()
	r.str() // tier
	r.str() // language
	t.Customer.RecordID = r.str()
	r.str() // phone
	r.str() // the subject
	t.Category = r.str()
	t.Priority = domain.Priority(r.str())
	t.Team = r.str()
	copy(t.Assignee[:], r.next(16))
	t.Tags = domain.TagListOf(r.str())
	return t
}

// createdAt decodes only the first field: what the KPI report's range filters on.
func (p *packed) createdAt() time.Time {
	r := unpacker{b: p.b}
	return r.time(time.Time{})
}

// clip returns b in an array of its own length: rows live long, spare capacity would too.
func clip(b []byte) []byte { return append(make([]byte, 0, len(b)), b...) }

var timeZero time.Time

type packer struct{ b []byte }

func (w *packer) varint(v int64) { w.b = binary.AppendVarint(w.b, v) }

func (w *packer) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

// time writes 0 for the zero time, else 1 + the zigzag of the nanoseconds from base
// (from the Unix epoch when base is zero). Times are kept in UTC, as the projections
// make them.
func (w *packer) time(t, base time.Time) {
	if t.IsZero() {
		w.b = append(w.b, 0)
		return
	}
	d := t.UnixNano()
	if !base.IsZero() {
		d -= base.UnixNano()
	}
	w.b = binary.AppendUvarint(w.b, zigzag(d)+1)
}

func (w *packer) bools(bs ...bool) {
	var x byte
	for i, v := range bs {
		if v {
			x |= 1 << i
		}
	}
	w.b = append(w.b, x)
}

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// unpacker reads what packer wrote; the bytes are the store's own, so they are trusted
// (a short read is a bug, and panics).
type unpacker struct{ b []byte }

func (r *unpacker) next(n int) []byte {
	out := r.b[:n:n]
	r.b = r.b[n:]
	return out
}

func (r *unpacker) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		panic("memory read model: corrupt packed row")
	}
	r.b = r.b[n:]
	return v
}

// varint reads a signed varint: the uvarint of its zigzag encoding, as binary.AppendVarint
// writes it.
func (r *unpacker) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// str returns a string that shares the packed bytes, which are never written again.
func (r *unpacker) str() string {
	n := int(r.uvarint())
	if n == 0 {
		return ""
	}
	b := r.next(n)
	return unsafe.String(&b[0], n)
}

func (r *unpacker) time(base time.Time) time.Time {
	z := r.uvarint()
	if z == 0 {
		return time.Time{}
	}
	z--
	d := int64(z>>1) ^ -int64(z&1)
	if !base.IsZero() {
		d += base.UnixNano()
	}
	return time.Unix(0, d).UTC()
}

func (r *unpacker) bools() (a, b, c, d bool) {
	x := r.next(1)[0]
	return x&1 != 0, x&2 != 0, x&4 != 0, x&8 != 0
}
