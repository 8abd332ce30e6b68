package imapmail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/bolt/bolttest"
	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
)

// BenchmarkMailboxIntake10k: the mails taken in per second from a Dovecot mailbox of
// 10,000 new mails (each a new ticket, its raw mail kept), into the embedded event store
// (bbolt, synced). The mailbox is filled before the timer starts; one pass reads it all.
//
//	go test ./adapters/imapmail -run '^$' -bench MailboxIntake10k -benchtime 1x
func BenchmarkMailboxIntake10k(b *testing.B) {
	const n, box = 10_000, "bench@support.example.com"
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dc := dovecottest.Start(b)
		raws := make([][]byte, n)
		for j := range raws {
			raws[j] = []byte(fmt.Sprintf("From: 客户%d <c%d@example.cn>\nTo: %s\nSubject: =?UTF-8?B?6YCA5qy+?= %d\n"+
				"Message-ID: <bench-%d-%d@example.cn>\nContent-Type: text/plain; charset=utf-8\n\n请处理我的退款，订单 %d。\n", j, j, box, j, i, j, j))
		}
		dc.Append(b, box, "INBOX", raws...)
		store := bolttest.Open(b)
		clock := eventstoretest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		secrets, _ := auth.NewSecrets(make([]byte, 32))
		cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets, StreamCacheSize: 10000})
		files, err := attachments.New(attachments.Config{Store: store, Blobs: memory.New(), Clock: clock})
		if err != nil {
			b.Fatal(err)
		}
		in := inbound.New(store, clock, inbound.Commands{Receive: cmds.Receive, Reply: cmds.CustomerReply, AutoMessage: cmds.AutoMessage}, files)
		boxes, _ := imapmail.ParseMailboxes(dc.URL(box, "name=bench&rate=100000"))
		r := imapmail.NewReader(boxes[0], in, us, slog.New(slog.NewTextHandler(io.Discard, nil)))
		b.StartTimer()
		start := time.Now()
		got, err := r.Pass(context.Background())
		elapsed := time.Since(start)
		if err != nil || got != n {
			b.Fatalf("took %d of %d: %v", got, n, err)
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "mails/s")
	}
}
