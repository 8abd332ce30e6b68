package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

var (
	adminID      = uuid.MustParse("00000000-0000-0000-0000-0000000000a3")
	supervisorID = uuid.MustParse("00000000-0000-0000-0000-0000000000a4")
)

func init() {
	accounts["root@example.com"] = web.DeskUser{ID: adminID, Name: "Root", Email: "root@example.com", Role: "admin"}
	accounts["sup@example.com"] = web.DeskUser{ID: supervisorID, Name: "Sue", Email: "sup@example.com", Role: "supervisor"}
}

// fakeStaff keeps accounts as the staff projection shows them; deactivating one marks it
// deactivated in the fake desk too, as the account's stream does for the guard.
type fakeStaff struct {
	mu    sync.Mutex
	desk  *fakeDesk
	staff []projections.StaffView
}

func (f *fakeStaff) Staff(context.Context) ([]projections.StaffView, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]projections.StaffView(nil), f.staff...), nil
}

func (f *fakeStaff) CreateStaff(_ context.Context, c command.CreateStaff, _ command.CommandMeta) error {
	if len(c.Password) < 12 {
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: "password", Message: "too short"}}}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.staff {
		if strings.EqualFold(s.Email, c.Email) {
			return command.ErrEmailTaken
		}
	}
	f.staff = append(f.staff, projections.StaffView{ID: uuid.New(), Name: c.Name, Email: c.Email, Role: c.Role, Team: c.Team, Language: c.Language, Active: true})
	return nil
}

func (f *fakeStaff) SetPassword(context.Context, uuid.UUID, string, command.CommandMeta) error {
	return nil
}

func (f *fakeStaff) SetActive(_ context.Context, id uuid.UUID, active bool, _ command.CommandMeta) error {
	f.mu.Lock()
	for i := range f.staff {
		if f.staff[i].ID == id {
			f.staff[i].Active = active
		}
	}
	f.mu.Unlock()
	f.desk.mu.Lock()
	f.desk.deactivated[id] = !active
	f.desk.mu.Unlock()
	return nil
}

func newAdminDesk(t *testing.T) (desk, *fakeStaff) {
	t.Helper()
	fs := &fakeStaff{staff: []projections.StaffView{
		{ID: agentID, Name: "李伟", Email: "li@example.com", Role: "agent", Team: "billing", Language: "zh", Active: true},
		{ID: adminID, Name: "Root", Email: "root@example.com", Role: "admin", Language: "en", Active: true}}}
	d := newAgentDeskWith(t, web.Options{StaffAdmin: fs})
	fs.desk = d.fake
	return d, fs
}

// TestStaffPageIsForAdminsOnly: an admin sees the accounts, the forms and the link in the
// navigation; a supervisor and an agent get the 403 page and no link.
func TestStaffPageIsForAdminsOnly(t *testing.T) {
	d, _ := newAdminDesk(t)
	_, c := d.signIn(t, "root@example.com", "right password")
	w := d.get(c, "/desk/admin/staff")
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "li@example.com") || !strings.Contains(body, `action="/desk/admin/staff/`+agentID.String()+`/deactivate"`) ||
		!strings.Contains(body, `name="password"`) || strings.Contains(body, "right password") {
		t.Fatalf("%d\n%s", w.Code, body)
	}
	if q := d.get(c, "/desk/queue").Body.String(); !strings.Contains(q, `href="/desk/admin/staff"`) {
		t.Error("no link for the admin")
	}
	for _, email := range []string{"li@example.com", "sup@example.com"} {
		_, c := d.signIn(t, email, "right password")
		if w := d.get(c, "/desk/admin/staff"); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d", email, w.Code)
		}
		if w := d.post(c, "/desk/admin/staff/"+adminID.String()+"/deactivate", url.Values{}); w.Code != http.StatusForbidden {
			t.Errorf("%s deactivates: %d", email, w.Code)
		}
		if q := d.get(c, "/desk/queue").Body.String(); strings.Contains(q, `href="/desk/admin/staff"`) {
			t.Errorf("%s sees the link", email)
		}
	}
}

// TestCreatedAccountIsListedAndRefusalsShowInTheLanguage: a created account is listed
// (its name escaped); a taken email is a 409 and a short password a 422, each explained
// in the page's language, keeping what was typed but never the password.
func TestCreatedAccountIsListedAndRefusalsShowInTheLanguage(t *testing.T) {
	d, _ := newAdminDesk(t)
	_, c := d.signIn(t, "root@example.com", "right password")
	form := url.Values{"name": {"<b>Bo</b>"}, "email": {"bo@example.com"}, "role": {"agent"}, "team": {"billing"}, "language": {"en"}, "password": {"long enough password"}}
	if w := d.post(c, "/desk/admin/staff", form); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/desk/admin/staff" {
		t.Fatalf("create: %d", w.Code)
	}
	body := d.get(c, "/desk/admin/staff").Body.String()
	if !strings.Contains(body, "&lt;b&gt;Bo&lt;/b&gt;") || strings.Contains(body, "<b>Bo") || !strings.Contains(body, "bo@example.com") {
		t.Fatalf("not listed or not escaped:\n%s", body)
	}
	form.Set("email", "LI@example.com")
	w := d.post(c, "/desk/admin/staff", form, "Cookie", "lang=zh")
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已有其他账号使用此电子邮件地址") || !strings.Contains(w.Body.String(), `value="LI@example.com"`) ||
		strings.Contains(w.Body.String(), "long enough password") {
		t.Fatalf("duplicate: %d\n%s", w.Code, w.Body)
	}
	form.Set("email", "new@example.com")
	form.Set("password", "short")
	w = d.post(c, "/desk/admin/staff", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Password (long enough") {
		t.Fatalf("weak password: %d\n%s", w.Code, w.Body)
	}
}

// TestDeactivationThroughThePageEndsTheSessions: the deactivated account shows inactive
// with a reactivate button, and its open session no longer opens the desk.
func TestDeactivationThroughThePageEndsTheSessions(t *testing.T) {
	d, _ := newAdminDesk(t)
	_, agent := d.signIn(t, "li@example.com", "right password")
	if w := d.get(agent, "/desk/queue"); w.Code != http.StatusOK {
		t.Fatalf("agent before: %d", w.Code)
	}
	_, c := d.signIn(t, "root@example.com", "right password")
	if w := d.post(c, "/desk/admin/staff/"+agentID.String()+"/deactivate", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", w.Code)
	}
	body := d.get(c, "/desk/admin/staff").Body.String()
	if !strings.Contains(body, `data-account="`+agentID.String()+`" data-active="false"`) || !strings.Contains(body, agentID.String()+`/reactivate"`) {
		t.Fatalf("not inactive:\n%s", body)
	}
	if w := d.get(agent, "/desk/queue"); w.Code != http.StatusSeeOther {
		t.Fatalf("deactivated agent's session: %d", w.Code)
	}
}
