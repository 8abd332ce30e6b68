package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
)

// deskSessions is how many desk sessions the desk_queue page's workers share: a few, as
// the people of a team signed in at once; sign-in itself is not what is measured.
const deskSessions = 4

// signInDesk creates one staff account (an agent of team support, the prefilled tickets'
// team) with the admin token and signs it in deskSessions times at /desk/signin,
// keeping each session's cookie. Successful sign-ins are not throttled; failed ones are.
func (e *env) signInDesk(ctx context.Context) error {
	stamp := time.Now().UTC().Format("150405") + "-" + uuid.NewString()[:8]
	email, password := "desk-"+stamp+"@bench.example", "bench-"+uuid.NewString()
	err := e.c.do(ctx, call{kind: "create_staff", class: classCommand, method: http.MethodPost, path: "/staff", token: e.admin, want: http.StatusCreated,
		body: map[string]any{"name": "desk-" + stamp, "email": email, "role": "agent", "team": "support", "language": "en", "password": password}}, nil)
	if err != nil {
		return err
	}
	for range deskSessions {
		c, err := e.signIn(ctx, email, password)
		if err != nil {
			return err
		}
		e.desk = append(e.desk, c)
	}
	return nil
}

// signIn posts the sign-in form and returns the session's Cookie header; the redirect
// that follows a sign-in is not followed.
func (e *env) signIn(ctx context.Context, email, password string) (string, error) {
	form := url.Values{"email": {email}, "password": {password}, "next": {"/desk/team"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.c.base+"/desk/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hc := *e.c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	for _, c := range res.Cookies() {
		if c.Name == "desk_session" && c.Value != "" && res.StatusCode == http.StatusSeeOther {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("desk sign-in: status %d, no session cookie", res.StatusCode)
}

// deskCookie is the session a worker's desk pages use.
func (w *worker) deskCookie() string {
	if len(w.env.desk) == 0 {
		return ""
	}
	return w.env.desk[w.id%len(w.env.desk)]
}
