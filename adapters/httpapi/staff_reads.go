package httpapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TokenReads is the read side of tokens: *projections.Service implements it.
type TokenReads interface {
	LiveTokens(ctx context.Context) ([]projections.TokenView, error)
}

var _ TokenReads = (*projections.Service)(nil)

// tokenView is a token as GET /tokens lists it: never the secret.
type tokenView struct {
	ID         uuid.UUID  `json:"id"`
	Role       string     `json:"role"`
	Subject    string     `json:"subject"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// staffReadRoutes registers GET /staff, /staff/{id} and /tokens.
func (s *Server) staffReadRoutes(r *mux.Router) {
	if st, ok := s.ReadSide.(StaffReads); ok {
		s.staffRoute(r, http.MethodGet, "/staff", "", access.ListStaff, func(w http.ResponseWriter, r *http.Request) {
			items, err := st.Staff(r.Context())
			writePage(s, w, r, items, err)
		})
		s.staffRoute(r, http.MethodGet, "/staff/{id}", "", access.ListStaff, func(w http.ResponseWriter, r *http.Request) {
			id, err := accountID(r)
			var v projections.StaffView
			if err == nil {
				var min int64
				if min, err = minVersion(r); err == nil {
					v, err = st.StaffAccount(r.Context(), id, min)
				}
			}
			if err != nil {
				s.writeProblem(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, v)
		})
	}
	if tr, ok := s.ReadSide.(TokenReads); ok {
		s.staffRoute(r, http.MethodGet, "/tokens", "", access.ListTokens, func(w http.ResponseWriter, r *http.Request) {
			rows, err := tr.LiveTokens(r.Context())
			items := make([]tokenView, len(rows))
			for i, t := range rows {
				items[i] = tokenView{ID: t.ID, Role: t.Role, Subject: t.Subject, CreatedAt: t.CreatedAt,
					ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt}
			}
			writePage(s, w, r, items, err)
		})
	}
}

// writePage answers one page of a list read whole from a read model: ?limit and the
// opaque ?cursor (an offset), as GET /agents does.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, all []T, err error) {
	limit, lerr := limitParam(r)
	if err == nil {
		err = lerr
	}
	offset := 0
	if c := r.URL.Query().Get("cursor"); c != "" && err == nil {
		b, _ := base64.RawURLEncoding.DecodeString(c)
		if offset, err = strconv.Atoi(string(b)); err != nil || offset < 0 {
			err = fmt.Errorf("%w: cursor is not one this server gave", domain.ErrInvalid)
		}
	}
	if err != nil {
		s.writeProblem(w, r, err)
		return
	}
	page := listPage{Items: all[min(offset, len(all)):min(offset+limit, len(all))]}
	if offset+limit < len(all) {
		page.Next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset + limit)))
	}
	writeJSON(w, http.StatusOK, page)
}
