package imapmail_test

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/adapters/blobstore/memory"
	"github.com/ticketengine/ticketengine/adapters/eventstore/memstore"
	"github.com/ticketengine/ticketengine/adapters/imapmail"
	"github.com/ticketengine/ticketengine/adapters/imapmail/dovecottest"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

const supportUser = "support@support.example.com"

// world is a mailbox on a real Dovecot read into an engine on the memory store.
type world struct {
	dovecot *dovecottest.Server
	store   eventlog.EventStore
	cmds    *command.Commands
	reader  *imapmail.Reader
	// taken remembers each fixture's result: the tickets later fixtures name.
	taken map[string]inbound.Result
	spy   *spyTaker
}

// spyTaker records what the reader took in, by message id. Tests that read it while
// Run goes on use has, under mu.
type spyTaker struct {
	in   *inbound.Intake
	mu   sync.Mutex
	byID map[string]inbound.Result
}

func (s *spyTaker) Take(ctx context.Context, m inbound.Message) (inbound.Result, error) {
	res, err := s.in.Take(ctx, m)
	if err == nil {
		s.mu.Lock()
		s.byID[m.ID] = res
		s.mu.Unlock()
	}
	return res, err
}

// has says whether the mail with Message-ID id was taken in.
func (s *spyTaker) has(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byID[id]
	return ok
}

func newWorld(t *testing.T) *world {
	t.Helper()
	dc := dovecottest.Start(t)
	store := memstore.New()
	clock := eventstoretest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
	secrets, err := auth.NewSecrets(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	files, err := attachments.New(attachments.Config{Store: store, Blobs: memory.New(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	spy := &spyTaker{in: inbound.New(store, clock, inbound.Commands{Receive: cmds.Receive, Reply: cmds.CustomerReply, AutoMessage: cmds.AutoMessage}, files), byID: map[string]inbound.Result{}}
	boxes, err := imapmail.ParseMailboxes(dc.URL(supportUser, "team=support&language=zh&name=support"))
	if err != nil {
		t.Fatal(err)
	}
	r := imapmail.NewReader(boxes[0], spy, us, slog.Default())
	return &world{dovecot: dc, store: store, cmds: cmds, reader: r, spy: spy, taken: map[string]inbound.Result{}}
}

// deliver appends fixtures to the INBOX, their placeholders ({{TICKET:nn}},
// {{NUMBER:nn}}) filled with the tickets of the fixtures taken before.
func (w *world) deliver(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		raw := string(fixture(t, name))
		for key, res := range w.taken {
			raw = strings.ReplaceAll(raw, "{{TICKET:"+key+"}}", res.TicketID.String())
			raw = strings.ReplaceAll(raw, "{{NUMBER:"+key+"}}", res.Number)
		}
		if strings.Contains(raw, "{{") {
			t.Fatalf("%s names a fixture not taken yet", name)
		}
		w.dovecot.Append(t, supportUser, "INBOX", []byte(raw))
	}
}

func (w *world) pass(t *testing.T) {
	t.Helper()
	if _, err := w.reader.Pass(context.Background()); err != nil {
		t.Fatalf("pass: %v\n%s", err, w.dovecot.Log())
	}
}

func (w *world) conversation(t *testing.T, id uuid.UUID) projections.Conversation {
	t.Helper()
	c, err := projections.ReadConversation(context.Background(), w.store, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) ticket(t *testing.T, id uuid.UUID) domain.TicketState {
	t.Helper()
	recs, err := w.store.ReadStream(context.Background(), eventlog.TicketStream(id))
	if err != nil {
		t.Fatal(err)
	}
	tk, err := command.FoldTicket(recs)
	if err != nil {
		t.Fatal(err)
	}
	return tk.State()
}

// TestMailboxOnDovecot delivers the fixtures to a real Dovecot in two rounds (new mail;
// then the answers, which name the first round's tickets) and checks that each ends on
// the right ticket with the right text, or in the refused folder.
func TestMailboxOnDovecot(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	first := []string{"01-gbk-new.eml", "02-gb2312-label.eml", "03-gb18030.eml", "04-big5.eml", "05-utf8.eml",
		"06-html-only.eml", "07-attachments.eml", "08-inline-image.eml", "09-no-message-id.eml",
		"17-bounce-unknown.eml", "18-bulk.eml", "19-own-address.eml", "20-duplicate-of-01.eml",
		"23-dirty-bytes.eml", "24-list.eml"}
	w.deliver(t, first...)
	w.pass(t)
	ids := map[string]string{} // fixture → message id
	for _, name := range first {
		m := imapmail.Parse(fixture(t, name), "mail:support", us)
		ids[name] = m.Message.ID
		if res, ok := w.spy.byID[m.Message.ID]; ok {
			w.taken[name[:2]] = res
		}
	}
	for _, name := range []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "23"} {
		res, ok := w.taken[name]
		if !ok || res.Outcome != inbound.Opened {
			t.Fatalf("fixture %s: %+v, want a new ticket", name, res)
		}
	}
	if len(distinctTickets(w.taken)) != 10 {
		t.Fatalf("%d tickets from 11 mails (20 is 01 again), want 10", len(distinctTickets(w.taken)))
	}
	// The texts, as the customers wrote them.
	for name, want := range map[string][2]string{
		"01": {"打印机无法连接网络", "办公室的打印机从昨天开始无法连接网络"},
		"02": {"发票开错了", "我是李喆"},
		"03": {"退款咨询", "问题解决了😀"},
		"04": {"帳號無法登入", "顯示密碼錯誤"},
		"06": {"物流查询", "订单 12345 一直没有收到"},
		"23": {"Broken bytes", "bad \uFFFD bytes and a bell here"},
	} {
		st := w.ticket(t, w.taken[name].TicketID)
		c := w.conversation(t, st.ID)
		if st.Subject != want[0] || !strings.Contains(c.Messages[0].Body, want[1]) || st.Channel != domain.ChannelEmail || st.Source != "mail:support" {
			t.Errorf("fixture %s: subject %q body %q channel %s source %q", name, st.Subject, c.Messages[0].Body, st.Channel, st.Source)
		}
		if st.Customer.Language != "zh" || st.Team != "support" {
			t.Errorf("fixture %s: language %q team %q, want the mailbox's", name, st.Customer.Language, st.Team)
		}
	}
	// Files: the attachments, the inline image and the raw mail, byte for byte.
	files := fileNames(w.conversation(t, w.taken["07"].TicketID).Messages[0])
	if strings.Join(files, ",") != "contract.pdf,message.eml,截图.png" {
		t.Errorf("fixture 07 files %v", files)
	}
	if files := fileNames(w.conversation(t, w.taken["08"].TicketID).Messages[0]); strings.Join(files, ",") != "err001.png,message.eml" {
		t.Errorf("fixture 08 files %v", files)
	}
	// Refused mail is in the refused folder, the rest seen in the INBOX.
	refused := w.dovecot.MessageIDs(t, supportUser, "Refused")
	sort.Strings(refused)
	want := []string{ids["17-bounce-unknown.eml"], ids["18-bulk.eml"], ids["19-own-address.eml"], ids["24-list.eml"]}
	sort.Strings(want)
	if strings.Join(refused, " ") != strings.Join(want, " ") {
		t.Errorf("refused folder %v, want %v", refused, want)
	}
	if all, seen := w.dovecot.Count(t, supportUser, "INBOX"); all != 11 || seen != 11 {
		t.Errorf("INBOX: %d mails, %d seen; want 11 and 11", all, seen)
	}

	// Between the rounds: ticket 09 is resolved, ticket 02 closed.
	admin := command.CommandMeta{Actor: "admin"}
	for _, id := range []uuid.UUID{w.taken["09"].TicketID, w.taken["02"].TicketID} {
		must(t)(w.cmds.Escalate.Handle(ctx, command.EscalateTicket{TicketID: id, EscalateTicket: domain.EscalateTicket{Team: "l2", Reason: "r"}}, admin))
		must(t)(w.cmds.Resolve.Handle(ctx, command.ResolveTicket{TicketID: id, Resolution: "done"}, admin))
	}
	must(t)(w.cmds.Close.Handle(ctx, command.CloseTicket{TicketID: w.taken["02"].TicketID}, admin))

	second := []string{"10-reply-outlook.eml", "11-reply-gmail-zh.eml", "12-reply-foxmail.eml", "13-reply-gmail-en.eml",
		"14-stranger-in-thread.eml", "15-auto-reply.eml", "16-bounce.eml", "21-reply-resolved.eml", "22-reply-closed.eml"}
	before := map[string]int{}
	for k, res := range w.taken {
		before[k] = len(w.conversation(t, res.TicketID).Messages)
	}
	w.deliver(t, second...)
	w.pass(t)
	result := func(name string) inbound.Result {
		raw := string(fixture(t, name))
		for key, res := range w.taken {
			raw = strings.ReplaceAll(raw, "{{TICKET:"+key+"}}", res.TicketID.String())
			raw = strings.ReplaceAll(raw, "{{NUMBER:"+key+"}}", res.Number)
		}
		return w.spy.byID[imapmail.Parse([]byte(raw), "mail:support", us).Message.ID]
	}
	for _, c := range []struct {
		file, on, outcome, body string
	}{
		{"10-reply-outlook.eml", "01", inbound.Replied, "已经重启了，还是不行。"},
		{"11-reply-gmail-zh.eml", "05", inbound.Replied, "积分今天到账了，谢谢！"},
		{"12-reply-foxmail.eml", "04", inbound.Replied, "重設密碼後可以登入了。"},
		{"13-reply-gmail-en.eml", "06", inbound.Replied, "The parcel arrived today, thanks."},
		{"15-auto-reply.eml", "05", inbound.Recorded, "我正在休假，12月7日回来。"},
		{"16-bounce.eml", "07", inbound.Recorded, "mailbox full"},
		{"21-reply-resolved.eml", "09", inbound.Replied, "It is still wrong on the new invoice."},
	} {
		res := result(c.file)
		if res.Outcome != c.outcome || res.TicketID != w.taken[c.on].TicketID {
			t.Errorf("%s: %+v, want %s on fixture %s's ticket", c.file, res, c.outcome, c.on)
			continue
		}
		wantKind := projections.MessageCustomer
		if c.outcome == inbound.Recorded {
			wantKind = projections.MessageAuto
		}
		found := false
		for _, m := range w.conversation(t, res.TicketID).Messages {
			if m.Kind == wantKind && (m.Body == c.body || c.outcome == inbound.Recorded && strings.Contains(m.Body, c.body)) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no %s message %q on the ticket: %+v", c.file, wantKind, c.body, w.conversation(t, res.TicketID).Messages)
		}
	}
	// 05 took a reply and an auto-reply; the auto-reply changed nothing but the version.
	if n := len(w.conversation(t, w.taken["05"].TicketID).Messages); n != before["05"]+2 {
		t.Errorf("ticket 05 has %d messages, want %d", n, before["05"]+2)
	}
	if st := w.ticket(t, w.taken["09"].TicketID); st.Status == domain.StatusResolved || !st.Reopened {
		t.Errorf("ticket 09 after the customer's answer: %s, want reopened", st.Status)
	}
	if res := result("14-stranger-in-thread.eml"); res.Outcome != inbound.Opened || res.TicketID == w.taken["01"].TicketID {
		t.Errorf("a stranger's mail in ticket 01's thread: %+v, want a ticket of its own", res)
	}
	follow := result("22-reply-closed.eml")
	if follow.Outcome != inbound.FollowUp || w.ticket(t, follow.TicketID).FollowUpOf != w.taken["02"].TicketID {
		t.Errorf("the answer to closed ticket 02: %+v", follow)
	}
	if all, seen := w.dovecot.Count(t, supportUser, "INBOX"); all != 20 || seen != 20 {
		t.Errorf("INBOX: %d mails, %d seen; want 20 and 20", all, seen)
	}
	// A second pass finds nothing new; delivering a taken mail again takes nothing.
	w.deliver(t, "05-utf8.eml")
	w.pass(t)
	if n := len(w.conversation(t, w.taken["05"].TicketID).Messages); n != before["05"]+2 {
		t.Errorf("ticket 05 has %d messages after a redelivery, want %d", n, before["05"]+2)
	}
}

func must(t *testing.T) func(command.TicketResult, error) {
	return func(_ command.TicketResult, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func distinctTickets(m map[string]inbound.Result) map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for _, r := range m {
		out[r.TicketID] = true
	}
	return out
}

func fileNames(m projections.Message) []string {
	var out []string
	for _, f := range m.Files {
		out = append(out, f.Filename)
	}
	sort.Strings(out)
	return out
}
