package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

const tokensUsage = "tokens create --role ROLE [--subject S] [--expires-in D] | tokens list | tokens revoke ID"

func runTokens(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usagef(tokensUsage)
	}
	switch args[0] {
	case "create":
		return tokensCreate(ctx, c, args[1:])
	case "list":
		return tokensList(ctx, c, args[1:])
	case "revoke":
		return tokensRevoke(ctx, c, args[1:])
	}
	return usagef(tokensUsage)
}

func tokensCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("tokens create")
	role := fs.String("role", "", "supervisor, auditor, analyst or agent (`role`)")
	subject := fs.String("subject", "", "who the token is for; an agent token's subject is the agent's id")
	expires := fs.Duration("expires-in", 0, "how long the token lives (a Go `duration`); 0: it does not expire")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *role == "" || fs.NArg() != 0 {
		return usagef(tokensUsage)
	}
	svc, err := c.build(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	tok, err := svc.Commands.IssueToken.Handle(ctx, command.IssueToken{Role: access.Role(*role), Subject: *subject, ExpiresIn: *expires},
		command.CommandMeta{Actor: tokenActor, CorrelationID: uuid.NewString()})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, tok.Token)
	return nil
}

// tokensList prints the tokens not revoked, one JSON object a line, oldest first: it
// reads the event store's token streams (no read model runs in ticketctl).
func tokensList(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("tokens list")
	if err := parse(fs, args); err != nil {
		return err
	}
	return c.openStore(ctx, true, func(store eventlog.EventStore) error { return listTokens(ctx, c, store) })
}

func listTokens(ctx context.Context, c *cli, store eventlog.EventStore) error {
	type row struct {
		ID        uuid.UUID   `json:"id"`
		Role      access.Role `json:"role"`
		Subject   string      `json:"subject"`
		CreatedAt time.Time   `json:"created_at"`
		ExpiresAt *time.Time  `json:"expires_at"`
	}
	rows, revoked := map[string]row{}, map[string]bool{}
	for after := uint64(0); ; {
		recs, err := store.ReadAll(ctx, after, 1000)
		if err != nil || len(recs) == 0 {
			if err != nil {
				return err
			}
			break
		}
		for _, r := range recs {
			after = r.Position
			if !strings.HasPrefix(r.Stream, eventlog.TokenStreamPrefix) {
				continue
			}
			var e auth.TokenIssued
			switch {
			case r.Type == auth.TypeTokenRevoked:
				revoked[r.Stream] = true
			case r.Type == auth.TypeTokenIssued && json.Unmarshal(r.Data, &e) == nil:
				rows[r.Stream] = row{ID: e.TokenID, Role: e.Role, Subject: e.Subject, CreatedAt: r.Meta.OccurredAt.UTC(), ExpiresAt: e.ExpiresAt}
			}
		}
	}
	var out []row
	for stream, r := range rows {
		if !revoked[stream] {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	w := bufio.NewWriter(c.stdout)
	for _, r := range out {
		line, _ := json.Marshal(r)
		fmt.Fprintf(w, "%s\n", line)
	}
	return w.Flush()
}

func tokensRevoke(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("tokens revoke")
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := uuid.Parse(fs.Arg(0))
	if fs.NArg() != 1 || err != nil {
		return usagef("tokens revoke ID (the token's id, from tokens list)")
	}
	svc, err := c.build(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	return svc.Commands.RevokeToken.Handle(ctx, command.RevokeToken{TokenID: id, Reason: "revoked with ticketctl"},
		command.CommandMeta{Actor: tokenActor, CorrelationID: uuid.NewString()})
}

// runStaff creates an account, the first admin's included (docs: README "Staff
// accounts"): the password is the first line of stdin, so that it is never in the
// process list or the shell's history.
func runStaff(ctx context.Context, c *cli, args []string) error {
	const usage = "staff create --role ROLE --name N --email E [--team T] [--language zh|en] < password"
	if len(args) == 0 || args[0] != "create" {
		return usagef(usage)
	}
	fs := c.flags("staff create")
	role := fs.String("role", "", "admin, supervisor, agent, auditor or analyst")
	name := fs.String("name", "", "the person's name")
	email := fs.String("email", "", "the sign-in email, unique among accounts")
	team := fs.String("team", "", "the team (agents and supervisors)")
	lang := fs.String("language", "", "zh or en")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *role == "" || *name == "" || *email == "" || fs.NArg() != 0 {
		return usagef(usage)
	}
	password, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && password == "" {
		return usagef("staff create reads the password from stdin")
	}
	svc, err := c.build(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	a, err := svc.Commands.CreateStaff.Handle(ctx, command.CreateStaff{Name: *name, Email: *email, Role: *role, Team: *team,
		Language: *lang, Password: strings.TrimRight(password, "\r\n")}, command.CommandMeta{Actor: tokenActor, CorrelationID: uuid.NewString()})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, a.ID)
	return nil
}
