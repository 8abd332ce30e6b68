package access_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/domain/errs"
)

// allowed is the expected matrix, written out by hand (not derived from the rules): the
// roles that may do each action. Roles: A admin, S supervisor, G agent, U auditor,
// N analyst, C customer; anonymous may do nothing.
var allowed = map[access.Action]string{
	access.Receive: "ASG", access.Classify: "ASG", access.Assign: "ASG", access.Escalate: "ASG",
	access.Reply: "ASG", access.Note: "ASG", access.Wait: "ASG", access.Resolve: "ASG",
	access.Reopen: "ASG", access.Close: "ASG",
	access.PortalView: "C", access.PortalReply: "C", access.PortalRate: "C",
	access.PortalOpen: "C", access.PortalConfirm: "C",
	access.GetTicket: "ASGUN", access.TicketAsOf: "ASU", access.TicketEvents: "ASU",
	access.Queues: "ASGUN", access.KPI: "ASN", access.HotIssues: "ASN", access.ListAgents: "ASGUN", access.GetAgent: "ASGUN",
	access.TicketMessages: "ASGUN", access.ListTickets: "ASGUN",
	access.RegisterAgent: "AS", access.SetPresence: "ASG", access.IssueToken: "A", access.Rebuild: "A",
	access.GetCustomer: "ASGUN", access.ChangeCustomerTier: "AS",
	access.UploadAttachment: "ASG", access.GetAttachment: "ASGUN",
	access.PortalUpload: "C", access.PortalOpenUpload: "C", access.PortalAttachment: "C",
	access.ListStaff: "AS", access.CreateStaff: "A", access.ChangePassword: "ASGUN", access.ChangeAgent: "AS",
	access.DeactivateAccount: "AS", access.ReactivateAccount: "AS", access.ListTokens: "A", access.RevokeToken: "A",
	access.Tag: "ASG", access.ApplyMacro: "ASG", access.ListMacros: "ASGUN", access.SaveMacro: "AS", access.DeleteMacro: "AS",
	access.EraseCustomer: "A",
	access.CreateArticle: "ASG", access.ReviseArticle: "ASG", access.SubmitArticle: "ASG",
	access.ApproveArticle: "AS", access.PublishArticle: "AS", access.ArchiveArticle: "AS",
	access.ArticleFromTicket: "ASG", access.ListArticles: "ASGUN", access.SimilarTickets: "ASGUN",
	access.PortalArticles: "C", access.ArticleFeedback: "C",
	access.ListShifts: "AS",
}

var roles = map[string]access.Principal{
	"A": {Role: access.RoleAdmin}, "S": {Role: access.RoleSupervisor, Subject: "lead"},
	"G": {Role: access.RoleAgent, Subject: "agent-1"}, "U": {Role: access.RoleAuditor},
	"N": {Role: access.RoleAnalyst}, "C": access.Customer, "-": {},
}

func TestEveryRoleTimesEveryAction(t *testing.T) {
	actions := access.Actions()
	sort.Slice(actions, func(i, j int) bool { return actions[i] < actions[j] })
	if len(actions) != len(allowed) {
		t.Errorf("%d actions, the matrix has %d", len(actions), len(allowed))
	}
	for _, a := range actions {
		want, ok := allowed[a]
		if !ok {
			t.Errorf("action %s is not in the matrix", a)
			continue
		}
		for code, p := range roles {
			err := access.Authorize(p, a)
			switch {
			case strings.Contains(want, code) && err != nil:
				t.Errorf("%s may %s: %v", p.Role, a, err)
			case !strings.Contains(want, code) && code == "-" && !errors.Is(err, errs.Unauthorized):
				t.Errorf("anonymous %s: %v, want unauthorized", a, err)
			case !strings.Contains(want, code) && code != "-" && !errors.Is(err, errs.Forbidden):
				t.Errorf("%s %s: %v, want forbidden", p.Role, a, err)
			}
		}
	}
}

// An agent sets only its own presence; supervisors and admins anyone's.
func TestPresenceIsTheAgentsOwn(t *testing.T) {
	for _, c := range []struct {
		p      access.Principal
		target string
		ok     bool
	}{
		{roles["G"], "agent-1", true},
		{roles["G"], "agent-2", false},
		{roles["S"], "agent-2", true},
		{roles["A"], "agent-2", true},
		{roles["U"], "agent-2", false},
	} {
		err := access.AuthorizeOn(c.p, access.SetPresence, c.target)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, access.ErrForbidden)) {
			t.Errorf("%s on %s: %v, want ok=%v", c.p.Actor(), c.target, err, c.ok)
		}
	}
	// Any agent may act on any ticket: no ownership rule on ticket commands.
	if err := access.AuthorizeOn(roles["G"], access.Resolve, "someone-else"); err != nil {
		t.Errorf("an agent resolving another's ticket: %v", err)
	}
}

func TestUnknownActionIsForbidden(t *testing.T) {
	if err := access.Authorize(roles["A"], "drop_database"); !errors.Is(err, errs.Forbidden) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestActorNamesThePrincipal(t *testing.T) {
	if got := access.Customer.Actor(); got != "customer" {
		t.Errorf("customer actor %q", got)
	}
	if got := roles["G"].Actor(); got != "agent:agent-1" {
		t.Errorf("agent actor %q", got)
	}
}
