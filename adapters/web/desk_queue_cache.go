package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"html/template"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ticketengine/ticketengine/projections"
)

// A queue page, served again. With the rows cached (desk_queue_rows.go) a page still cost
// about 0.9 ms of CPU on a quiet machine (docs/PERFORMANCE.md, "The pages on a quiet
// machine"): reading the first 100 rows and their views, digesting them for the ETag,
// rendering the layout around 33 KB of rows, and the collector for all of it. Most of
// these requests find the queue as the previous one did (a queue changes far less often
// than its agents look at it), so a queue's page of rows is kept as a snapshot: taken
// at a version of the queues' read model (QueueVersions), and used again while that
// version stands and the snapshot is younger than queueSnapshotTTL. The rows depend on
// the time too (a breach, a waiting ticket's moving due time, the order between them),
// which no version announces: the TTL bounds how late those show (half a second, within
// the page's poll of a second). Each snapshot keeps the whole pages rendered from it, by
// ETag: the ETag names everything a page shows (the signed-in user included), so a page
// is only ever served to a request that would have rendered the very same bytes, and
// never one user's page to another.

// QueueVersions is an optional port of a Desk: the version of the queues' read model,
// a number that changes whenever a queue's rows may have (CommandDesk: the queues
// projection's committed position, projections.Service.QueuesVersion). A Desk without
// it has every queue page read and rendered afresh.
type QueueVersions interface {
	QueueVersion(ctx context.Context) (uint64, error)
}

const (
	// queueSnapshotTTL bounds how late a page shows what changes with the time alone.
	queueSnapshotTTL = 500 * time.Millisecond
	// queueSlotsMax bounds the queues kept (team or assignee, page, language): when full
	// the cache starts again empty. Their rows' HTML: at most 256 × 33 KB, 8.4 MB.
	queueSlotsMax = 256
	// keptPagesMax bounds the bytes of whole pages kept, all queues together (a page is
	// about 34 KB): beyond it pages are rendered and not kept, until a queue's change
	// lets its pages go.
	keptPagesMax = 8 << 20
)

// queueKey names a queue page's rows: its filter, cursor, language and path.
type queueKey struct {
	filter             projections.QueueFilter
	cursor, lang, path string
}

// queueSnapshot is a queue page's rows as read at version, rendered.
type queueSnapshot struct {
	version uint64
	taken   time.Time
	digest  [sha256.Size]byte // of the rows and the next page's link: the ETag's part
	rows    *keptRows
	next    string // the next page's cursor, "" on the last
	pages   *pageSet
}

// keptRows are a snapshot's rows, rendered when a page first needs them (a poll that
// finds its ETag unchanged does not); snapshots of equal rows share them.
type keptRows struct {
	once sync.Once
	rows []deskRow
	lang string
	html template.HTML
	err  error
}

// render is the rows' HTML, rendered once (renderRows).
func (k *keptRows) render(s *Server) (template.HTML, error) {
	k.once.Do(func() {
		k.html, k.err = s.renderRows(k.rows, k.lang)
		k.rows = nil
	})
	return k.html, k.err
}

// pageSet is whole pages rendered from one queue's rows, by ETag; snapshots of equal
// rows share it.
type pageSet struct {
	kept   *atomic.Int64 // the bytes kept by every page set of the cache (queueCache.kept)
	mu     sync.RWMutex
	pages  map[string][]byte
	size   int64
	closed bool // let go: keeps nothing more
}

func newPageSet(kept *atomic.Int64) *pageSet {
	return &pageSet{kept: kept, pages: map[string][]byte{}}
}

func (p *pageSet) get(etag string) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	b, ok := p.pages[etag]
	return b, ok
}

// put keeps a page while the cache's budget allows (a nil set keeps nothing).
func (p *pageSet) put(etag string, body []byte) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pages[etag] != nil {
		return
	}
	n := int64(len(body))
	if p.kept.Add(n) > keptPagesMax {
		p.kept.Add(-n)
		return
	}
	p.pages[etag] = body
	p.size += n
}

// close lets the pages go: their bytes leave the cache's budget.
func (p *pageSet) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.kept.Add(-p.size)
		p.pages, p.size = nil, 0
	}
}

// queueSlot is one queue's current snapshot; build serialises taking a new one, so the
// requests that find it stale wait for one read instead of each doing it.
type queueSlot struct {
	build   sync.Mutex
	snap    atomic.Pointer[queueSnapshot]
	dropped atomic.Bool // no longer in the cache: its pages are let go
}

// queueCache holds the queues' slots; it is safe for concurrent use.
type queueCache struct {
	mu    sync.RWMutex
	slots map[queueKey]*queueSlot
	kept  atomic.Int64     // bytes of the pages kept (keptPagesMax)
	now   func() time.Time // time.Now; the tests move it
}

func (c *queueCache) slot(k queueKey) *queueSlot {
	c.mu.RLock()
	sl := c.slots[k]
	c.mu.RUnlock()
	if sl != nil {
		return sl
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if sl = c.slots[k]; sl == nil {
		if c.slots == nil || len(c.slots) >= queueSlotsMax {
			for _, old := range c.slots {
				old.dropped.Store(true) // before its snapshot is looked at: see queueRows
				if sn := old.snap.Load(); sn != nil {
					sn.pages.close()
				}
			}
			c.slots = map[queueKey]*queueSlot{}
		}
		sl = &queueSlot{}
		c.slots[k] = sl
	}
	return sl
}

func (c *queueCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

// fresh reports whether sn may serve a request at version v and time now.
func (sn *queueSnapshot) fresh(v uint64, now time.Time) bool {
	return sn != nil && sn.version == v && now.Sub(sn.taken) < queueSnapshotTTL && !now.Before(sn.taken)
}

// queueRows is the snapshot of a queue page's rows for a request: the kept one while it
// is fresh, else one read now (and kept, when the Desk tells versions).
func (s *Server) queueRows(ctx context.Context, k queueKey) (*queueSnapshot, error) {
	vs, ok := s.Desk.(QueueVersions)
	if !ok {
		return s.readQueueRows(ctx, k, 0, nil, false)
	}
	v, err := vs.QueueVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &s.queueCache
	sl := c.slot(k)
	if sn := sl.snap.Load(); sn.fresh(v, c.clock()) {
		return sn, nil
	}
	sl.build.Lock()
	defer sl.build.Unlock()
	prev := sl.snap.Load()
	if prev.fresh(v, c.clock()) { // taken while this request waited
		return prev, nil
	}
	sn, err := s.readQueueRows(ctx, k, v, prev, true)
	if err != nil {
		return nil, err
	}
	sl.snap.Store(sn)
	if prev != nil && prev.pages != sn.pages {
		prev.pages.close() // rows changed: what was rendered from the old ones is never served again
	}
	if sl.dropped.Load() { // the cache started again empty meanwhile, perhaps before the Store
		sn.pages.close()
	}
	return sn, nil
}

// readQueueRows reads a queue page's rows at version v (read after v was,
// so the rows are at least as new). When they are what prev held, the new snapshot
// shares prev's rendered pages: their ETags still name what they show. keep: the
// snapshot is kept, and keeps the pages rendered from it.
func (s *Server) readQueueRows(ctx context.Context, k queueKey, v uint64, prev *queueSnapshot, keep bool) (*queueSnapshot, error) {
	taken := s.queueCache.clock()
	items, next, err := s.Desk.Queue(ctx, k.filter, queueLimit, k.cursor)
	if err != nil {
		return nil, err
	}
	rows := deskRows(items)
	sn := &queueSnapshot{version: v, taken: taken, digest: rowsDigest(rows, next), next: next}
	if prev != nil && prev.digest == sn.digest {
		sn.rows, sn.pages = prev.rows, prev.pages
		return sn, nil
	}
	sn.rows = &keptRows{rows: rows, lang: k.lang}
	if keep {
		sn.pages = newPageSet(&s.queueCache.kept)
	}
	return sn, nil
}

// rowsDigest is a digest of a queue page's rows (as they stand now: breach and due time
// included) and its next page's cursor.
func rowsDigest(rows []deskRow, next string) [sha256.Size]byte {
	buf := make([]byte, 0, 64+len(rows)*192) // a row is about 150 bytes: one allocation
	buf = appendStrings(buf, next)
	for _, r := range rows {
		buf = append(buf, r.ID[:]...)
		buf = appendStrings(buf, r.Number, r.Subject, r.Status, r.Priority, r.Team, r.Assignee, r.Due, strconv.FormatBool(r.Breached))
	}
	return sha256.Sum256(buf)
}

// appendStrings appends each of xs length-prefixed, so no two lists digest alike by accident.
func appendStrings(buf []byte, xs ...string) []byte {
	for _, x := range xs {
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(x)))
		buf = append(buf, x...)
	}
	return buf
}

// renderPage renders page name's layout with p into bytes (execute, for a page kept).
func (s *Server) renderPage(name string, p *page) ([]byte, error) {
	s.renders.Add(1)
	var buf bytes.Buffer
	if err := s.pages[p.Lang][name].ExecuteTemplate(&buf, "layout", p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
