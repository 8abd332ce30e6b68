package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
)

// TestTokensCreate: the printed token authenticates as the role and subject asked for,
// and its event names ticketctl's actor; a role tokens cannot have is refused.
func TestTokensCreate(t *testing.T) {
	data := t.TempDir()
	res := runReal(t, "", "--data", data, "tokens", "create", "--role", "auditor", "--subject", "alice")
	if res.code != exitOK {
		t.Fatalf("tokens create: %d %s", res.code, res.stderr)
	}
	token := strings.TrimSpace(res.stdout)
	store := openBolt(t, data+"/events.db")
	defer store.Close()
	p, err := auth.NewAuthenticator(store, "some-other-admin-token").Authenticate(context.Background(), token)
	if err != nil || p.Role != access.RoleAuditor || p.Subject != "alice" {
		t.Fatalf("token authenticates as %+v, %v", p, err)
	}
	recs, _ := store.ReadAll(context.Background(), 0, 10)
	if len(recs) != 1 || recs[0].Type != auth.TypeTokenIssued || recs[0].Meta.Actor != "admin:ticketctl" {
		t.Fatalf("records: %+v", recs)
	}
	store.Close()
	if res := runReal(t, "", "--data", data, "tokens", "create", "--role", "admin"); res.code != exitFailed || !strings.Contains(res.stderr, "role") {
		t.Fatalf("admin token: %d %s", res.code, res.stderr)
	}
}

// TestReadingCommandsNeedAStore: replay, verify and export on a data directory without
// a store fail (rather than create an empty store and find it fine); import creates it.
func TestReadingCommandsNeedAStore(t *testing.T) {
	data := t.TempDir() + "/nothing-here"
	for _, args := range [][]string{{"verify"}, {"export"}, {"replay", "TK-123456"}} {
		res := runReal(t, "", append([]string{"--data", data}, args...)...)
		if res.code != exitFailed || !strings.Contains(res.stderr, "no embedded event store") {
			t.Fatalf("%v: %d %s", args, res.code, res.stderr)
		}
	}
	if res := runReal(t, "", "--data", data, "import"); res.code != exitOK {
		t.Fatalf("import of nothing into a new store: %d %s", res.code, res.stderr)
	}
	if res := runReal(t, "", "--data", data, "verify"); res.code != exitOK {
		t.Fatalf("verify of the new empty store: %d %s", res.code, res.stderr)
	}
}

// TestTokensListAndRevoke: a created token is listed (never the secret) until revoked;
// staff create reads the password from stdin and makes an admin account that signs in.
func TestTokensListAndRevoke(t *testing.T) {
	data := t.TempDir()
	token := strings.TrimSpace(runReal(t, "", "--data", data, "tokens", "create", "--role", "analyst", "--subject", "bi", "--expires-in", "24h").stdout)
	list := runReal(t, "", "--data", data, "tokens", "list")
	if list.code != exitOK || !strings.Contains(list.stdout, `"subject":"bi"`) || !strings.Contains(list.stdout, `"expires_at":"`) || strings.Contains(list.stdout, token) {
		t.Fatalf("tokens list: %d %s %s", list.code, list.stdout, list.stderr)
	}
	var row struct{ ID string }
	if err := json.Unmarshal([]byte(strings.SplitN(list.stdout, "\n", 2)[0]), &row); err != nil {
		t.Fatal(err)
	}
	if res := runReal(t, "", "--data", data, "tokens", "revoke", row.ID); res.code != exitOK {
		t.Fatalf("tokens revoke: %d %s", res.code, res.stderr)
	}
	if list := runReal(t, "", "--data", data, "tokens", "list"); list.code != exitOK || strings.TrimSpace(list.stdout) != "" {
		t.Fatalf("after revoke: %d %q", list.code, list.stdout)
	}
	made := runReal(t, "first admin pass\n", "--data", data, "staff", "create", "--role", "admin", "--name", "Root", "--email", "root@example.com")
	if made.code != exitOK {
		t.Fatalf("staff create: %d %s", made.code, made.stderr)
	}
	store := openBolt(t, data+"/events.db")
	defer store.Close()
	if acc, err := auth.SignIn(context.Background(), store, "root@example.com", "first admin pass"); err != nil || acc.ID.String() != strings.TrimSpace(made.stdout) || acc.RoleOf() != "admin" {
		t.Fatalf("the admin signs in: %+v %v", acc, err)
	}
}
