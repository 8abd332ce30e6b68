package projections

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/query"
	"github.com/ticketengine/ticketengine/domain"
)

// Page limits of list endpoints (API.md).
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// MatchesStored reports whether an open ticket matches the filter's stored fields: what
// a store filters on (the memory store with this function, PostgreSQL in SQL).
func MatchesStored(s *domain.TicketState, f QueueFilter) bool {
	return s.Status.Open() &&
		(f.Status == "" || s.Status == f.Status) &&
		(f.Team == "" || s.Team == f.Team) &&
		(f.Assignee == uuid.Nil || s.Assignee == f.Assignee) &&
		(f.Priority == "" || s.Priority == f.Priority) &&
		(f.Category == "" || s.Category == f.Category) &&
		(f.Tag == "" || s.Tags.Has(f.Tag))
}

// SortQueue keeps the open tickets that pass the breached filter at `now` and orders
// them as agents work them: by priority, then the nearest running SLA due time
// (domain.TicketState.NextDue; none last), then age, then id, so the order is total.
// The memory store pages with it; the PostgreSQL store does the same in SQL, and the
// conformance suite holds them to the same answers.
func SortQueue(states []domain.TicketState, f QueueFilter, now time.Time) []domain.TicketState {
	refs := make([]*domain.TicketState, len(states))
	for i := range states {
		refs[i] = &states[i]
	}
	sorted := SortQueueRefs(refs, f, now)
	out := make([]domain.TicketState, len(sorted))
	for i, s := range sorted {
		out[i] = *s
	}
	return out
}

// SortQueueRefs is SortQueue over pointers: a store that holds its rows by pointer sorts
// them without moving whole states, and copies only the page it returns.
func SortQueueRefs(states []*domain.TicketState, f QueueFilter, now time.Time) []*domain.TicketState {
	first, _ := FirstQueueRefs(states, f, now, len(states))
	return first
}

// FirstQueueRefs is the first n of SortQueueRefs, and how many states pass the filter: a
// page of a long queue picks its n with a bounded heap (n log n per state, not a sort of
// the whole queue), each state's sort key computed once.
func FirstQueueRefs(states []*domain.TicketState, f QueueFilter, now time.Time, n int) ([]*domain.TicketState, int) {
	keys := make([]queueKey, 0, len(states))
	for _, s := range states {
		if f.Breached != nil && breached(s, now) != *f.Breached {
			continue
		}
		keys = append(keys, keyOf(s, now, f.ByDue))
	}
	total := len(keys)
	if n < total {
		keys = firstKeys(keys, n)
	}
	slices.SortFunc(keys, compareKeys)
	out := make([]*domain.TicketState, len(keys))
	for i, k := range keys {
		out[i] = k.s
	}
	return out, total
}

// queueKey is a state's place in a queue: priority, then the nearest due time (none
// last), then age, then id.
type queueKey struct {
	rank    int
	due     int64 // Unix nanoseconds; math.MaxInt64 when no clock runs
	created int64
	s       *domain.TicketState
}

// keyOf is s's queue key at now; byDue leaves the priority out (QueueFilter.ByDue).
func keyOf(s *domain.TicketState, now time.Time, byDue bool) queueKey {
	k := queueKey{rank: s.Priority.Rank(), due: math.MaxInt64, created: s.CreatedAt.UnixNano(), s: s}
	if byDue {
		k.rank = 0
	}
	if d := s.NextDue(now); !d.IsZero() {
		k.due = d.UnixNano()
	}
	return k
}

func compareKeys(a, b queueKey) int {
	if c := cmp.Compare(a.rank, b.rank); c != 0 {
		return c
	}
	if c := cmp.Compare(a.due, b.due); c != 0 {
		return c
	}
	if c := cmp.Compare(a.created, b.created); c != 0 {
		return c
	}
	return bytes.Compare(a.s.ID[:], b.s.ID[:])
}

// firstKeys keeps the n smallest keys (unordered) with a max-heap of size n.
func firstKeys(keys []queueKey, n int) []queueKey {
	if n <= 0 {
		return nil
	}
	h := keyHeap(slices.Clone(keys[:n]))
	heap.Init(&h)
	for _, k := range keys[n:] {
		if compareKeys(k, h[0]) < 0 {
			h[0] = k
			heap.Fix(&h, 0)
		}
	}
	return h
}

// keyHeap is a max-heap of queue keys: its root is the last of the n kept.
type keyHeap []queueKey

func (h keyHeap) Len() int           { return len(h) }
func (h keyHeap) Less(i, j int) bool { return compareKeys(h[i], h[j]) > 0 }
func (h keyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *keyHeap) Push(x any)        { *h = append(*h, x.(queueKey)) }
func (h *keyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Page cuts one page out of a sorted list: from offset, at most limit, and whether more follow.
func Page(sorted []domain.TicketState, offset, limit int) ([]domain.TicketState, bool) {
	if offset >= len(sorted) {
		return nil, false
	}
	end := min(len(sorted), offset+limit)
	return sorted[offset:end], end < len(sorted)
}

// Queue is GET /queues over a store: one page of views, and the cursor of the next
// ("" on the last page).
func Queue(ctx context.Context, q Queries, f QueueFilter, now time.Time, limit int, cursor string) ([]query.TicketView, string, error) {
	offset, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	limit = ClampLimit(limit)
	states, more, err := q.QueuePage(ctx, f, now, offset, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]query.TicketView, len(states))
	for i, s := range states {
		out[i] = query.NewTicketView(s, now)
	}
	next := ""
	if more {
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + len(out))))
	}
	return out, next, nil
}

// breached: a clock of the ticket is breached at now.
func breached(s *domain.TicketState, now time.Time) bool {
	fr, res := s.Clocks(now)
	return fr.Breached || res.Breached
}

// ClampLimit applies the default and the maximum page size.
func ClampLimit(limit int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return min(limit, MaxLimit)
}

func decodeCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	n, err2 := strconv.Atoi(string(b))
	if err != nil || err2 != nil || n < 0 {
		return 0, fmt.Errorf("%w: cursor is not one this server gave", domain.ErrInvalid)
	}
	return n, nil
}

// queuesProjection keeps one row per ticket: its snapshot, which GET /queues filters,
// orders and pages, and the agents' load counts.
var queuesProjection = &ticketRows{name: Queues, table: Table{
	Name: "rm_queue_tickets", Key: []string{"ticket_id"},
	Columns: []Column{
		Col("ticket_id", "uuid", func(t *ticket) uuid.UUID { return t.ID }),
		Col("number", "text", func(t *ticket) string { return t.Number }),
		Col("version", "bigint", func(t *ticket) int64 { return t.Version }),
		Col("status", "text", func(t *ticket) string { return string(t.Status) }),
		Col("is_open", "boolean", func(t *ticket) bool { return t.Status.Open() }),
		Col("team", "text", func(t *ticket) string { return t.Team }),
		NullCol("assignee_id", "uuid", func(t *ticket) uuid.UUID { return t.Assignee }),
		NullCol("assignee_name", "text", func(t *ticket) string { return t.AssigneeName }),
		Col("priority", "text", func(t *ticket) string { return string(t.Priority) }),
		NullCol("category", "text", func(t *ticket) string { return t.Category }),
		Col("tier", "text", func(t *ticket) string { return string(t.Customer.Tier) }),
		Col("channel", "text", func(t *ticket) string { return string(t.Channel) }),
		// The ticket's customer record (GET /tickets?customer=), as text: migration 00008.
		NullCol("customer_id", "text", func(t *ticket) string { return recordText(t) }),
		NullCol("first_response_due", "timestamptz", func(t *ticket) time.Time { return t.SLA.FirstResponseDue }),
		NullCol("resolution_due", "timestamptz", func(t *ticket) time.Time { return t.SLA.ResolutionDue }),
		NullCol("waiting_since", "timestamptz", func(t *ticket) time.Time { return t.WaitingSince }),
		Col("created_at", "timestamptz", func(t *ticket) time.Time { return t.CreatedAt }),
		Col("updated_at", "timestamptz", func(t *ticket) time.Time { return t.UpdatedAt }),
		NullCol("first_responded_at", "timestamptz", func(t *ticket) time.Time { return t.FirstRespondedAt }),
		Col("first_response_breached", "boolean", func(t *ticket) bool { return t.FirstResponseBreached }),
		Col("resolution_breached", "boolean", func(t *ticket) bool { return t.ResolutionBreached }),
		Col("tags", "text[]", func(t *ticket) []string { return nonNil(t.Tags.List()) }), // migration 00009
		// The ticket's place in the queues (QueueOrder; NoDue when none): what the
		// PostgreSQL store's ordered indexes hold, so a page reads its own rows (00014).
		Col("queue_rank", "integer", func(t *ticket) int { return OrderOf(t).Rank }),
		Col("queue_due", "bigint", func(t *ticket) int64 { return OrderOf(t).Due }),
		Col("queue_moving", "bigint", func(t *ticket) int64 { return OrderOf(t).Moving }),
		SnapshotCol("state"),
	},
	Read: []string{"state"}, Scan: ScanSnapshot[ticket],
}}

// nonNil is xs, or an empty list for nil (a NOT NULL array column).
func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// recordText is the customer record a ticket belongs to as the queues table's
// customer_id holds it: text, "" (NULL) for none.
func recordText(t *ticket) string {
	if id := RecordOf(t.Customer, t.Unverified); id != uuid.Nil {
		return id.String()
	}
	return ""
}
