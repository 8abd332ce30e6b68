package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"
)

// deskFile is GET /desk/attachments/{id}: a message's file as a download, never shown
// inline and never sniffed into something else (a file that looks like HTML is not run).
func (s *Server) deskFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.Desk.File(r.Context(), r.PathValue("id"))
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	defer f.Body.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename}))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.Body)
}
