package hotissues_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/smtp/smtptest"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/eventstoretest"
	"github.com/ticketengine/ticketengine/application/hotissues"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
)

// calmPolicyYAML keeps the seeded history's tickets far from any SLA breach.
const calmPolicyYAML = `
targets:
  standard:
    P3: {first_response: 5000h, resolution: 10000h}
`

// hookCounter is a webhook receiver that counts the hot issues it is sent, by event id.
type hookCounter struct {
	mu  sync.Mutex
	hot map[string]int
}

func (h *hookCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var p struct{ Type string }
	_ = json.Unmarshal(body, &p)
	if p.Type == hotissues.TypeDetected {
		h.mu.Lock()
		h.hot[r.Header.Get("X-Tickets-Event-ID")]++
		h.mu.Unlock()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookCounter) counts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for k, v := range h.hot {
		out[k] = v
	}
	return out
}

// seedQuietWeeks writes two weeks and a day of ordinary traffic before now into the
// event store, as the command handlers record it (a fake clock): a refund ticket every
// six hours, a login one every three. It is the baseline the burst is judged against.
func seedQuietWeeks(t *testing.T, cfg service.Config, now time.Time) {
	ctx := context.Background()
	store, err := service.OpenEventStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	secrets, err := auth.NewSecrets([]byte("hot-issues-test-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	clock := eventstoretest.NewClock(now.Add(-15 * 24 * time.Hour))
	cmds := command.NewCommands(command.Config{Store: store, Clock: clock, Policy: domain.DefaultSLAPolicy(), Secrets: secrets})
	meta := command.CommandMeta{Actor: "admin"}
	for i := 0; clock.Now().Before(now.Add(-2 * time.Hour)); i++ {
		subject, body, category := "无法登录", "登录的时候一直提示密码错误", "login"
		if i%2 == 0 {
			subject, body, category = "退款咨询", "请问退款多久到账", "refunds"
		}
		r, err := cmds.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: subject, Body: body,
			Customer: domain.Customer{Name: "客户", Email: fmt.Sprintf("c%d@example.com", i), Tier: domain.TierStandard}}, meta)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cmds.Classify.Handle(ctx, command.ClassifyTicket{TicketID: r.Ticket.ID, ClassifyTicket: domain.ClassifyTicket{
			Category: category, Priority: domain.P3, Team: "billing"}}, meta); err != nil {
			t.Fatal(err)
		}
		clock.Advance(3 * time.Hour)
	}
}

// hotSpikes are the HotIssueDetected events in the store, by series.
func hotSpikes(t *testing.T, store eventlog.EventStore) map[string]int {
	t.Helper()
	out := map[string]int{}
	var after uint64
	for {
		recs, err := store.ReadAll(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		for _, r := range recs {
			if r.Type == hotissues.TypeDetected {
				e, err := hotissues.Decode(r.Type, r.Data)
				if err != nil {
					t.Fatal(err)
				}
				out[e.Series]++
			}
		}
		after = recs[len(recs)-1].Position
	}
}

// TestHotIssueBurstOnTwoNodesAndARestart: two ticketd on one PostgreSQL, over two weeks
// of quiet traffic; 30 tickets about 退款失败 within an hour raise one spike for their
// category and at most one per term, mailed once to the team's supervisor and sent once
// to the webhook; the report lists it with the top terms and categories; a node stopped
// and another started in its place raise nothing again.
func TestHotIssueBurstOnTwoNodesAndARestart(t *testing.T) {
	dsn := servicetest.FreshPostgresSchema(t)
	dir := t.TempDir()
	policyFile := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policyFile, []byte(calmPolicyYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	mail := smtptest.Start(t)
	hooks := &hookCounter{hot: map[string]int{}}
	hookSrv := httptest.NewServer(hooks)
	t.Cleanup(hookSrv.Close)
	node := func(name string) service.Config {
		cfg := service.Config{EventStore: dsn, ReadModel: dsn, Data: filepath.Join(dir, name), SLAPolicy: policyFile,
			LeaseTTL: time.Second, SecretKey: strings.Repeat("5e", 32), AdminToken: "adm_hot_issues_0123456789"}
		cfg.Policies = service.PolicyConfig{SMTPURL: mail.URL(), SMTPFrom: "help@example.com", PublicURL: "https://desk.example.com",
			Webhooks: []string{hookSrv.URL}, WebhookSecret: "hook-secret"}
		cfg.HotIssues.Every = 150 * time.Millisecond
		return cfg
	}
	now := time.Now().UTC()
	seedQuietWeeks(t, node("seed"), now)
	a, stopA := servicetest.RunService(t, node("a"))
	b, _ := servicetest.RunService(t, node("b"))
	ctx := context.Background()
	admin := command.CommandMeta{Actor: "admin"}
	if _, err := a.Commands.CreateStaff.Handle(ctx, command.CreateStaff{Name: "Bill", Email: "bill@example.com", Role: "supervisor",
		Team: "billing", Language: "en", Password: "correct horse battery"}, admin); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		svc := []*service.Service{a, b}[i%2]
		r, err := svc.Commands.Receive.Handle(ctx, command.ReceiveTicket{Channel: domain.ChannelWeb, Subject: "退款失败",
			Body: fmt.Sprintf("订单 %d 退款失败了", 1000+i), Customer: domain.Customer{Name: "客户", Email: fmt.Sprintf("burst%d@example.com", i),
				Tier: domain.TierStandard}}, admin)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Commands.Classify.Handle(ctx, command.ClassifyTicket{TicketID: r.Ticket.ID, ClassifyTicket: domain.ClassifyTicket{
			Category: "refunds", Priority: domain.P3, Team: "billing"}}, admin); err != nil {
			t.Fatal(err)
		}
	}
	servicetest.WaitFor(t, 20*time.Second, "the refunds category's spike", func() bool { return hotSpikes(t, a.Store)["category:refunds"] > 0 })
	servicetest.MailTo(t, mail, "bill@example.com", "category:refunds")
	// A node stops; another starts in its place and runs the detector for a while.
	stopA()
	c, _ := servicetest.RunService(t, node("c"))
	time.Sleep(2 * time.Second)
	spikes := hotSpikes(t, c.Store)
	for series, n := range spikes {
		if n != 1 {
			t.Errorf("%s raised %d times, want once", series, n)
		}
		if !strings.HasPrefix(series, "category:refunds") && !strings.HasPrefix(series, "term:") {
			t.Errorf("spike of %s, which the burst did not touch", series)
		}
	}
	if spikes["category:login"] != 0 || spikes["term:退款"] != 1 || spikes["term:失败"] != 1 {
		t.Errorf("spikes %v: want refunds, 退款 and 失败 once each, login none", spikes)
	}
	servicetest.WaitFor(t, 10*time.Second, "every spike at the webhook", func() bool { return len(hooks.counts()) == len(spikes) })
	for id, n := range hooks.counts() {
		if n != 1 {
			t.Errorf("webhook got hot issue %s %d times", id, n)
		}
	}
	ids := map[string]int{}
	for _, m := range mail.Messages() {
		if strings.Contains(m.Subject, "Hot issue") {
			ids[m.Header.Get("Message-ID")]++
		}
	}
	if len(ids) != len(spikes) {
		t.Errorf("%d hot-issue mails for %d spikes", len(ids), len(spikes))
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("mail %s sent %d times", id, n)
		}
	}
	rep, err := c.ReadSide.HotReport(ctx, now.Add(-24*time.Hour), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Spikes) != len(spikes) || len(rep.TopCategories) == 0 || rep.TopCategories[0].Category != "refunds" ||
		len(rep.TopTerms) == 0 || rep.TopTerms[0].Count < 30 {
		t.Errorf("report %+v", rep)
	}
}
