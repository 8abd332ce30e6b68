package web

import (
	"io"
	"net/http"

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
	for k, v := range f.DownloadHeaders() {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.Body)
}

// takeUploads counts the open form's files against the anonymous upload budget, one per
// file as POST /portal/attachments counts them (the builder shares the limiter).
func (s *Server) takeUploads(r *http.Request, files int) error {
	addr := s.clientAddr(r)
	for range files {
		if !s.UploadLimiter.Take(addr) {
			return access.ErrRateLimited
		}
	}
	return nil
}
