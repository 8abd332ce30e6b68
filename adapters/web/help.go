package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// home is GET /help: open a ticket, or look one up. Knowledge-base articles join here.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "home", s.newPage(r, "help.title"))
}

// open is POST /help/tickets: the open form. It counts against the same per-client budget
// as POST /portal/tickets; on success the customer lands on the ticket's page (number and
// code in view), the mail with the confirmation link goes out as for the API.
func (s *Server) open(w http.ResponseWriter, r *http.Request) {
	if !s.OpenLimiter.Take(s.clientAddr(r)) {
		s.failWith(w, r, access.ErrRateLimited)
		return
	}
	f, err := s.readForm(w, r)
	if err == nil {
		err = s.takeUploads(r, len(f.files["attachments"]))
	}
	if err == nil {
		var res Opened
		res, err = s.Customers.Open(r.Context(), Opening{Name: f.values["name"], Email: f.values["email"],
			Subject: f.values["subject"], Body: f.values["body"], Attachments: f.files["attachments"]}, meta(s.opener(r)))
		if err == nil {
			s.recordVisit(w, r, uuid.Nil, "") // the browser's reads, if any, are no deflections
			http.Redirect(w, r, ticketURL(res.Number, res.AccessCode, res.Version)+"&opened=1", http.StatusSeeOther)
			return
		}
	}
	if errs.KindOf(err) == errs.Validation {
		p := s.newPage(r, "help.title")
		p.Errors, p.Form = fieldMessages(err), f.values
		s.render(w, r, http.StatusUnprocessableEntity, "home", p)
		return
	}
	s.failWith(w, r, err)
}

// ticketURL is a ticket's page; with version ≥ 0 the page waits until the read side
// shows that version (the customer's own change is never missing from the page after it).
func ticketURL(number, code string, version int64) string {
	u := "/help/tickets/" + url.PathEscape(number) + "?code=" + url.QueryEscape(code)
	if version >= 0 {
		u += "&min_version=" + strconv.FormatInt(version, 10)
	}
	return u
}

// lookup is GET /help/tickets?number=&code=: the look-up form, sent on to the ticket's page.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	number, code := strings.TrimSpace(queryValue(r, "number")), strings.TrimSpace(queryValue(r, "code"))
	if number == "" || code == "" {
		p := s.newPage(r, "help.title")
		p.Errors = []fieldMessage{{Field: "number"}, {Field: "code"}}
		p.Form = map[string]string{"number": number, "code": code}
		s.render(w, r, http.StatusUnprocessableEntity, "home", p)
		return
	}
	http.Redirect(w, r, ticketURL(number, code, -1), http.StatusSeeOther)
}

// switchLanguage is POST /help/lang: the switcher keeps the choice in a cookie and goes
// back to the page it was on (a path of the help center only, never another site).
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	f, err := s.readForm(w, r)
	if err == nil && !known(f.values["lang"]) {
		err = errs.E(errs.Malformed, "unknown language")
	}
	if err != nil {
		s.failWith(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: f.values["lang"], Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Proxies.Client(r).Scheme == "https"})
	next := f.values["next"]
	if !strings.HasPrefix(next, "/help") && !strings.HasPrefix(next, "/desk") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\") {
		next = "/help"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
