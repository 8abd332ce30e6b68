package web

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
)

// The queue's rows, rendered once. A queue page shows up to 100 tickets; rendering each
// row through html/template is about ten reflected calls (the escaper of every value),
// 70 % of the page's CPU once the read model had stopped ranking every open ticket
// (docs/PERFORMANCE.md, "The desk's queue page"). A row's HTML is a pure function of
// its deskRow (every field it shows, the breach and due time as of the request
// included) and the language, and queues are read far more often than their tickets
// change: so each row is rendered by the template "queue_row" (desk_queue.html) once,
// kept by its deskRow and language, and a page joins the rows it shows. A changed ticket
// is a different deskRow: it misses and is rendered anew; what it replaced ages out.

// rowCacheSize bounds the cache: when it holds that many rows it starts again empty (a
// page's rows are then rendered once more). 20,000 rows of about 330 bytes: 7 MB.
const rowCacheSize = 20000

// rowKey is a rendered row's key: everything the row shows, and its language.
type rowKey struct {
	deskRow
	lang string
}

// rowCache holds rendered rows; it is safe for concurrent use.
type rowCache struct {
	mu   sync.RWMutex
	rows map[rowKey]string
}

// queueRow is the data of the template "queue_row".
type queueRow struct {
	deskRow
	Msg catalogue
}

// renderRows is the HTML of the rows of a queue page in language lang: the cached ones
// as they are, the others rendered now and cached.
func (s *Server) renderRows(rows []deskRow, lang string) (template.HTML, error) {
	c := &s.rowCache
	html := make([]string, len(rows))
	missing := 0
	c.mu.RLock()
	for i, r := range rows {
		h, ok := c.rows[rowKey{r, lang}]
		html[i] = h
		if !ok {
			missing++
		}
	}
	c.mu.RUnlock()
	if missing > 0 {
		fresh := make(map[rowKey]string, missing)
		var buf bytes.Buffer
		for i, r := range rows {
			if html[i] != "" {
				continue
			}
			buf.Reset()
			if err := s.pages[lang]["desk_queue"].ExecuteTemplate(&buf, "queue_row", queueRow{r, s.cats[lang]}); err != nil {
				return "", err
			}
			html[i] = buf.String()
			fresh[rowKey{r, lang}] = html[i]
		}
		c.put(fresh)
	}
	return template.HTML(strings.Join(html, "")), nil // each row escaped by its template
}

// put keeps freshly rendered rows, starting again empty when full.
func (c *rowCache) put(fresh map[rowKey]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rows == nil || len(c.rows)+len(fresh) > rowCacheSize {
		c.rows = make(map[rowKey]string, len(fresh))
	}
	for k, h := range fresh {
		c.rows[k] = h
	}
}

// cached is how many rows the cache holds (for the tests).
func (c *rowCache) cached() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.rows)
}
