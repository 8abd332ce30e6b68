package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/domain"
)

// TestVerifyAndReplayAfterErasure: on the embedded store, replay opens a customer's
// sealed fields with ticketd's keys (--data/keys); after POST /customers/{id}/erase's
// command, verify still passes on the sealed records, replay shows the fields empty, and
// export carries only ciphertext.
func TestVerifyAndReplayAfterErasure(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	svc, err := service.Build(ctx, service.Config{Data: dir, NoReadSide: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	meta := command.CommandMeta{Actor: "admin"}
	got, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelAPI, Subject: "Xylophone",
		Customer: domain.Customer{Name: "王秘密", Email: "secret.wang@example.com", Tier: domain.TierCore}}, meta)
	if err != nil {
		t.Fatal(err)
	}
	record := uuid.MustParse(got.Ticket.Customer.RecordID)
	ticket := got.Ticket.ID.String()
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	ctl := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(ctx, append(args, "--data", dir), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
		return code, out.String() + errOut.String()
	}
	if code, out := ctl("replay", ticket); code != 0 || !strings.Contains(out, "王秘密") || !strings.Contains(out, "Xylophone") {
		t.Fatalf("replay before the erasure (%d): %s", code, out)
	}
	if svc, err = service.Build(ctx, service.Config{Data: dir, NoReadSide: true}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Commands.EraseCustomer.Handle(ctx, command.EraseCustomer{CustomerID: record, Tickets: []uuid.UUID{got.Ticket.ID}}, meta); err != nil {
		t.Fatal(err)
	}
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	if code, out := ctl("verify"); code != 0 {
		t.Fatalf("verify after the erasure (%d): %s", code, out)
	}
	code, out := ctl("replay", ticket)
	if code != 0 || strings.Contains(out, "王秘密") || strings.Contains(out, "Xylophone") || !strings.Contains(out, domain.TypeTicketCustomerErased) {
		t.Fatalf("replay after the erasure (%d): %s", code, out)
	}
	if code, out := ctl("export"); code != 0 || strings.Contains(out, "王秘密") || !strings.Contains(out, `pii2:`) {
		t.Fatalf("export (%d): %s", code, out)
	}
}
