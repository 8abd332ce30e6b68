package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/domain"
)

// The attachment routes: multipart uploads (exempt from the 1 MiB limit of JSON bodies:
// their own is the attachments' size limit), and downloads. Without Options.Attachments
// there are none, and a message naming attachments is a 422.

type uploadResponse struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// multipartSlack is what a multipart body may hold besides the file: boundaries and part
// headers.
const multipartSlack = 64 << 10

func (s *Server) attachmentRoutes(r *mux.Router) {
	if s.Attachments == nil {
		return
	}
	s.staffRoute(r, http.MethodPost, "/attachments", "upload_attachment", access.UploadAttachment, s.uploadAttachment)
	s.staffRoute(r, http.MethodGet, "/attachments/{id}", "", access.GetAttachment, s.getAttachment)
	s.portalRoute(r, http.MethodPost, "/portal/tickets/{number}/attachments", "portal_upload", access.PortalUpload, s.portalUpload)
	s.portalRoute(r, http.MethodGet, "/portal/tickets/{number}/attachments/{id}", "", access.PortalAttachment, s.getPortalAttachment)
	s.portalRoute(r, http.MethodPost, "/portal/attachments", "portal_open_upload", access.PortalOpenUpload, s.portalOpenUpload)
}

// uploadAttachment is POST /attachments: staff upload; only the same actor may attach it.
func (s *Server) uploadAttachment(w http.ResponseWriter, r *http.Request) {
	s.upload(w, r, attachments.Upload{Uploader: principal(r).Actor()})
}

// portalUpload is POST /portal/tickets/{number}/attachments?code=: the customer uploads
// for a reply on their ticket; only that ticket's replies may attach it.
func (s *Server) portalUpload(w http.ResponseWriter, r *http.Request) {
	id, err := s.portalTicket(r)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	s.upload(w, r, attachments.Upload{Uploader: attachments.TicketUploader(id)})
}

// portalOpenUpload is POST /portal/attachments: anyone uploads for a ticket they are about
// to open, at most UploadLimiter's count a minute per client address; the upload is the
// client's (POST /portal/tickets from the same address attaches it) and is deleted when
// nobody attached it within the retention.
func (s *Server) portalOpenUpload(w http.ResponseWriter, r *http.Request) {
	addr := s.clientAddr(r)
	if !s.UploadLimiter.Take(addr) {
		s.writeProblem(w, r, fmt.Errorf("%w: too many uploads from this address", errRateLimited))
		return
	}
	s.upload(w, r, attachments.Upload{Uploader: s.portalClient(addr).Actor(), Anonymous: true})
}

// upload streams the part named "file" of a multipart body to the attachments: read part
// by part (never ParseMultipartForm, which would buffer the file).
func (s *Server) upload(w http.ResponseWriter, r *http.Request, u attachments.Upload) {
	meta, err := commandMeta(r, principal(r), nil)
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	u.Meta = eventlog.Metadata{Actor: meta.Actor, CorrelationID: meta.CorrelationID, CausationID: meta.CausationID}
	if u.Meta.Actor == access.Customer.Actor() {
		u.Meta.Actor = u.Uploader // the ticket, or the anonymous client: who uploaded
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Attachments.MaxSize()+multipartSlack)
	att, err := s.uploadPart(r, u)
	if err != nil {
		s.writeProblem(w, r, uploadError(err))
		return
	}
	w.Header().Set("Location", "/attachments/"+att.ID)
	writeJSON(w, http.StatusCreated, uploadResponse{ID: att.ID, Filename: att.Filename, ContentType: att.ContentType, Size: att.Size, SHA256: att.SHA256})
}

func (s *Server) uploadPart(r *http.Request, u attachments.Upload) (domain.Attachment, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return domain.Attachment{}, fmt.Errorf("%w: the body must be multipart/form-data with a part named file", errMediaType)
	}
	part, err := mr.NextPart()
	if err != nil {
		return domain.Attachment{}, edgeFieldError("file", "is required: one part named file")
	}
	defer part.Close()
	if part.FormName() != "file" {
		return domain.Attachment{}, edgeFieldError("file", "must be the one part, named file (got "+strconv.Quote(part.FormName())+")")
	}
	u.Filename = partFilename(part.Header.Get("Content-Disposition"))
	return s.Attachments.Upload(r.Context(), u, bodyReader{part})
}

// bodyReader gives the errors of reading the request body their kinds: a body over the
// limit is a 413, a broken one a 400 (not a fault of the server's, as a disk error is).
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return n, fmt.Errorf("%w: %v", attachments.ErrTooLarge, err)
	}
	return n, edgeFieldError("file", "could not be read: "+err.Error())
}

// partFilename is the part's filename parameter as sent (RFC 7578; filename* of RFC 5987
// too), before CleanFilename keeps its last path element.
func partFilename(disposition string) string {
	_, params, err := mime.ParseMediaType(disposition)
	if err != nil {
		return ""
	}
	return params["filename"]
}

// uploadError maps what the multipart reader says of a body over the limit to a 413.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: %v", attachments.ErrTooLarge, err)
	}
	return err
}

// getAttachment is GET /attachments/{id}: staff download any file.
func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request) {
	f, err := s.Attachments.Open(r.Context(), mux.Vars(r)["id"])
	s.serveFile(w, r, f, err)
}

// getPortalAttachment is GET /portal/tickets/{number}/attachments/{id}?code=: the
// customer downloads a file of their ticket's public messages; any other is the same
// 404 as an unknown one.
func (s *Server) getPortalAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := s.portalTicket(r)
	var f attachments.File
	if err == nil {
		f, err = s.Attachments.OpenForTicket(r.Context(), id, mux.Vars(r)["id"])
	}
	s.serveFile(w, r, f, err)
}

// serveFile answers with the file as a download: never shown inline, never sniffed by
// the browser into something else (a file that looks like HTML is not run).
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f attachments.File, err error) {
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	defer f.Body.Close()
	for k, v := range f.DownloadHeaders() {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, f.Body)
	}
}

// attached runs a message's command with the attachments its request names: resolved and
// claimed for the uploader (attachments.Service.Attach), released when it is refused.
func attached[T any](s *Server, ctx context.Context, uploader string, ids []string, m command.CommandMeta, run func([]domain.Attachment) (T, error)) (T, error) {
	var out T
	if len(ids) == 0 {
		return run(nil)
	}
	if s.Attachments == nil {
		return out, fieldError("attachments", "are not enabled on this server")
	}
	meta := eventlog.Metadata{Actor: m.Actor, CorrelationID: m.CorrelationID, CausationID: m.CausationID}
	err := s.Attachments.Attach(ctx, uploader, ids, attachments.ClaimKey(uploader, m.IdempotencyKey), meta, func(atts []domain.Attachment) error {
		var err error
		out, err = run(atts)
		return err
	})
	return out, err
}
