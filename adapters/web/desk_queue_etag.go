package web

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
)

// A queue's poll, made cheap. A queue page refreshes itself every second (htmx polls
// its own URL and swaps #queue); most polls find the queue unchanged. The page's ETag is
// a digest of everything the page shows (the rows as they stand now, breach and due
// time included, the cursors, the signed-in user, the language and the templates): the
// rows' part digested once when they are read (rowsDigest, desk_queue_cache.go), the
// rest for each request, before anything is rendered. The poll sends
// it back (hx-headers: If-None-Match, since the desk's pages are not stored by the
// browser, no-store), and an unchanged queue answers 304 with no body: nothing is
// rendered and htmx swaps nothing (the layout's responseHandling). The digest is the
// same on every node of one build, so a poll may reach any of them.

// queueETag is the ETag of a queue page: a strong tag, quoted. rows is the digest of
// the page's rows (rowsDigest), taken when they were read.
func (s *Server) queueETag(p *page, q deskQueue, rows [sha256.Size]byte) string {
	buf := make([]byte, 0, 512)
	buf = appendStrings(buf, s.buildDigest, p.Lang, p.Here, q.Tab, q.Next, q.First, strconv.FormatBool(q.Paged))
	if u := p.User; u != nil {
		buf = appendStrings(buf, u.ID.String(), u.Name, u.Email, u.Role, u.Team, u.Language, strconv.FormatBool(u.Online))
	}
	buf = append(buf, rows[:]...)
	sum := sha256.Sum256(buf)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// pollHeaders is the hx-headers value that makes a poll conditional on etag.
func pollHeaders(etag string) string {
	b, _ := json.Marshal(map[string]string{"If-None-Match": etag})
	return string(b)
}

// notModified reports whether the request's If-None-Match names etag (or is *).
func notModified(r *http.Request, etag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// digestOf is a digest of the templates and catalogues: a page's ETag changes with them.
func digestOf(files ...fs.FS) (string, error) {
	h := sha256.New()
	for _, f := range files {
		if err := fs.WalkDir(f, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			return hashFile(h, f, path)
		}); err != nil {
			return "", err
		}
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil
}

func hashFile(h hash.Hash, f fs.FS, path string) error {
	b, err := fs.ReadFile(f, path)
	if err != nil {
		return err
	}
	_, _ = h.Write([]byte(path))
	_, _ = h.Write(b)
	return nil
}
