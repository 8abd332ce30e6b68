package service_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// TestDeskSessionsSharedByNodes: two ticketd on one PostgreSQL keep the desk's sessions
// in it (desk_sessions). A browser signed in on one is signed in on the other; signing
// out on the other ends the session on both; a deactivation through the API of one node
// deletes the account's sessions from the shared table at once, and both nodes send the
// browser back to the sign-in page.
func TestDeskSessionsSharedByNodes(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	cfg := func() service.Config {
		return service.Config{EventStore: dsn, Data: t.TempDir(), SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_two_nodes_0123456789"}
	}
	a, svc := servicetest.StartService(t, cfg())
	b, _ := servicetest.StartService(t, cfg())
	ctx := context.Background()
	acc, err := svc.Commands.CreateStaff.Handle(ctx, command.CreateStaff{Name: "王芳", Email: "wang@example.com", Role: domain.RoleAgent,
		Team: domain.DefaultTeam, Language: "zh", Password: "a long passphrase"}, command.CommandMeta{Actor: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	signIn := func(c servicetest.Client) string {
		t.Helper()
		status, h, _ := servicetest.Page(t, http.MethodPost, c.Base+"/desk/signin", url.Values{"email": {"wang@example.com"}, "password": {"a long passphrase"}})
		for _, v := range h.Values("Set-Cookie") {
			if strings.HasPrefix(v, "desk_session=") && status == http.StatusSeeOther {
				cookie, _, _ := strings.Cut(v, ";")
				return cookie
			}
		}
		t.Fatalf("sign-in on %s: %d %v", c.Base, status, h)
		return ""
	}
	signedIn := func(c servicetest.Client, cookie string) bool {
		t.Helper()
		status, h, _ := deskPage(t, cookie, http.MethodGet, c.Base+"/desk/queue", nil)
		switch {
		case status == http.StatusOK:
			return true
		case status == http.StatusSeeOther && strings.HasPrefix(h.Get("Location"), "/desk/signin"):
			return false
		}
		t.Fatalf("the queue on %s: %d %v", c.Base, status, h)
		return false
	}

	cookie := signIn(a)
	if !signedIn(a, cookie) || !signedIn(b, cookie) {
		t.Fatal("signed in on the first node, not on both")
	}
	if status, _, _ := deskPage(t, cookie, http.MethodPost, b.Base+"/desk/signout", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("sign-out on the second node: %d", status)
	}
	if signedIn(a, cookie) || signedIn(b, cookie) {
		t.Fatal("signed out on the second node, still signed in somewhere")
	}

	cookie = signIn(b)
	if !signedIn(a, cookie) {
		t.Fatal("signed in on the second node, not on the first")
	}
	b.Must(http.StatusOK, http.MethodPost, "/staff/"+acc.ID.String()+"/deactivate", nil)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM desk_sessions WHERE account_id = $1`, acc.ID).Scan(&left); err != nil || left != 0 {
		t.Fatalf("after the deactivation the shared table holds %d sessions of the account (%v)", left, err)
	}
	if signedIn(a, cookie) || signedIn(b, cookie) {
		t.Fatal("deactivated on the second node, still signed in somewhere")
	}
}
