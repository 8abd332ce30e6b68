package service_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// TestAdminManagesStaffOnTheDesk: on ticketd as built (memory store), an admin signed in
// to the desk creates an agent account through the staff page's form; the new account
// signs in; the admin deactivates it through the page; it can no longer sign in.
func TestAdminManagesStaffOnTheDesk(t *testing.T) {
	c, svc := servicetest.StartService(t, service.Config{EventStore: "memory:", Data: t.TempDir()})
	if _, err := svc.Commands.CreateStaff.Handle(context.Background(), command.CreateStaff{Name: "Root", Email: "root@example.com",
		Role: domain.RoleAdmin, Language: "en", Password: "the admin's passphrase"}, command.CommandMeta{Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	admin := deskSignIn(t, c.Base, "root@example.com", "the admin's passphrase")
	if admin == "" {
		t.Fatal("the admin does not sign in")
	}
	form := url.Values{"name": {"赵敏"}, "email": {"zhao@example.com"}, "role": {"agent"}, "team": {domain.DefaultTeam},
		"language": {"zh"}, "password": {"zhao's long passphrase"}}
	if status, _, body := deskPage(t, admin, http.MethodPost, c.Base+"/desk/admin/staff", form); status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", status, body)
	}
	if status, _, body := deskPage(t, admin, http.MethodPost, c.Base+"/desk/admin/staff", form); status != http.StatusConflict {
		t.Fatalf("the same email again: %d\n%s", status, body)
	}
	if deskSignIn(t, c.Base, "zhao@example.com", "zhao's long passphrase") == "" {
		t.Fatal("the new account does not sign in")
	}
	staff, err := svc.ReadSide.Staff(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	id := ""
	for _, s := range staff {
		if s.Email == "zhao@example.com" {
			id = s.ID.String()
		}
	}
	_, _, body := deskPage(t, admin, http.MethodGet, c.Base+"/desk/admin/staff", nil)
	if id == "" || !strings.Contains(body, `data-account="`+id+`" data-active="true"`) {
		t.Fatalf("not listed (%q):\n%s", id, body)
	}
	if status, _, body := deskPage(t, admin, http.MethodPost, c.Base+"/desk/admin/staff/"+id+"/deactivate", url.Values{}); status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d\n%s", status, body)
	}
	if deskSignIn(t, c.Base, "zhao@example.com", "zhao's long passphrase") != "" {
		t.Fatal("the deactivated account still signs in")
	}
}

// deskSignIn posts the sign-in form and returns the session cookie ("" when refused).
func deskSignIn(t *testing.T, base, email, password string) string {
	t.Helper()
	status, h, _ := servicetest.Page(t, http.MethodPost, base+"/desk/signin", url.Values{"email": {email}, "password": {password}})
	for _, v := range h.Values("Set-Cookie") {
		if strings.HasPrefix(v, "desk_session=") && status == http.StatusSeeOther {
			cookie, _, _ := strings.Cut(v, ";")
			return cookie
		}
	}
	return ""
}
