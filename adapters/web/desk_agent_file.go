package web

import (
	"io"
	"net/http"
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
	for k, v := range f.DownloadHeaders() {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f.Body)
}
