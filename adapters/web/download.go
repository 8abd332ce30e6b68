package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// download is GET /help/tickets/{number}/attachments/{id}?code=: a file of the ticket's
// public timeline, found by number and code like every ticket page (the same limiter).
// Any other id is the same 404 page as an unknown ticket. The file is always a download,
// never shown inline nor sniffed into something a browser would run.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	id, err := s.find(r)
	var f attachments.File
	if err == nil {
		f, err = s.Customers.Attachment(r.Context(), id, r.PathValue("id"))
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	defer f.Body.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", contentDisposition(f.Filename))
	h.Set("Cache-Control", "private, no-store")
	// A file is not a page: nothing in it runs, even opened in a tab of its own.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.Body)
}

// contentDisposition is "attachment" with the file's name; mime encodes a name that is
// not plain ASCII as RFC 2231 asks (filename* with the UTF-8 name percent-encoded), which
// browsers read.
func contentDisposition(name string) string {
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	return "attachment"
}

// takeUploads counts the open form's files against the anonymous upload budget, one per
// file as POST /portal/attachments counts them (the builder shares the limiter).
func (s *Server) takeUploads(r *http.Request, files int) error {
	addr := access.ClientAddr(r.RemoteAddr)
	for range files {
		if !s.UploadLimiter.Take(addr) {
			return access.ErrRateLimited
		}
	}
	return nil
}
