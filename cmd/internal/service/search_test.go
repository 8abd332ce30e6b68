package service_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/testio"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
	"github.com/ticketengine/ticketengine/cmd/internal/service/servicetest"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// TestSearchOnEmbeddedIndex: the default, bleve under --data/search, fed by the
// embedded event store through the in-process bus.
func TestSearchOnEmbeddedIndex(t *testing.T) {
	runSearchScenario(t, service.Config{Data: t.TempDir()})
}

// TestSearchOnPostgresReadModels: with PostgreSQL read models the search runs in
// PostgreSQL (pgsearch) without being asked.
func TestSearchOnPostgresReadModels(t *testing.T) {
	runSearchScenario(t, servicetest.PostgresConfig(t))
}

// TestSearchOff: --search off builds no index, and a search says so.
func TestSearchOff(t *testing.T) {
	cfg := service.Config{EventStore: "memory:", Data: t.TempDir(), Search: service.SearchOff}
	cfg.Policies.Disabled = true
	svc, _ := servicetest.RunService(t, cfg)
	if svc.ReadSide.Search != nil {
		t.Fatal("--search off built a search projection")
	}
	if _, err := svc.ReadSide.SearchTickets(context.Background(), "发票", true, 10); err == nil {
		t.Fatal("a search with search off did not fail")
	}
}

// searchTickets is what the scenario stores: a Chinese and an English ticket with a
// reply, a note and a resolution, and an unrelated one.
type searchTickets struct{ zh, en, other command.ReceivedTicket }

// searchQueries are the scenario's queries, with the tickets each must find (by field
// name) for a staff search (internal notes included) and a public one.
var searchQueries = []struct {
	q              string
	staff, public_ []string
}{
	{"发票", []string{"zh"}, []string{"zh"}},                // a two-character word inside a sentence
	{"钱", []string{"en"}, []string{"en"}},                 // one character, in a customer's reply
	{"invoices", []string{"en"}, []string{"en"}},          // a plural finds the singular
	{"优先跟进", []string{"zh"}, nil},                         // only in an internal note
	{"duplicate charges", []string{"en"}, []string{"en"}}, // the resolution
	{"li.wei@example.cn", []string{"zh"}, []string{"zh"}},
	{"shipping", []string{"other"}, []string{"other"}},
	{"发票 shipping", nil, nil},
}

func runSearchScenario(t *testing.T, cfg service.Config) {
	cfg.Policies.Disabled = true
	ctx := context.Background()
	svc, stop := servicetest.RunService(t, cfg)
	tk := storeSearchTickets(ctx, t, svc)
	live := checkSearchHits(ctx, t, svc, tk)
	zhHits, err := svc.ReadSide.SearchTickets(ctx, "发票", true, 10)
	if err != nil || len(zhHits) != 1 || !strings.Contains(zhHits[0].Snippet, "<mark>发票</mark>") {
		t.Fatalf("snippet of 发票: %+v, %v", zhHits, err)
	}
	stop()

	// A restart resumes from the index's checkpoint: it indexes nothing again.
	svc = startIndexingNothing(ctx, t, cfg, tk, live, "after a restart")

	// Rebuilt from events, the index finds what the live one found, and follows on.
	st, err := svc.ReadSide.Rebuild(ctx, projections.SearchName)
	if err != nil || st.Events == 0 {
		t.Fatalf("rebuild search: %+v, %v", st, err)
	}
	if got := checkSearchHits(ctx, t, svc, tk); !reflect.DeepEqual(got, live) {
		t.Fatalf("rebuilt: %v, live: %v", got, live)
	}
	late := servicetest.Receive(ctx, t, svc, "Late parcel", "The courier lost my parcel somewhere.", "late@example.com")
	if hits := searchIDs(ctx, t, svc, "parcels", false); !slices.Equal(hits, []uuid.UUID{late.Ticket.ID}) {
		t.Fatalf("parcels after the rebuild: %v, want %s", hits, late.Ticket.ID)
	}
	if hits := searchIDs(ctx, t, svc, strings.ToLower(tk.zh.Ticket.Number), false); !slices.Equal(hits, []uuid.UUID{tk.zh.Ticket.ID}) {
		t.Fatalf("ticket number %s: %v", tk.zh.Ticket.Number, hits)
	}
}

func storeSearchTickets(ctx context.Context, t *testing.T, svc *service.Service) searchTickets {
	t.Helper()
	tk := searchTickets{
		zh:    servicetest.Receive(ctx, t, svc, "发票抬头错误", "您好，上个月的发票抬头写错了，请帮忙重新开具。", "li.wei@example.cn"),
		en:    servicetest.Receive(ctx, t, svc, "Invoice copy", "Please send me a copy of the invoice for order 1234.", "anna@example.com"),
		other: servicetest.Receive(ctx, t, svc, "Shipping time", "How long does shipping take to Shenzhen?", "bo@example.com"),
	}
	admin := command.CommandMeta{Actor: "admin"}
	steps := []error{
		handleErr(svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: tk.zh.Ticket.ID, Body: "客户很着急，优先跟进。"}, admin)),
		handleErr(svc.Commands.Reply.Handle(ctx, command.ReplyToTicket{TicketID: tk.en.Ticket.ID, Body: "We are looking into it.", Public: true}, admin)),
		handleErr(svc.Commands.CustomerReply.Handle(ctx, command.CustomerReply{TicketID: tk.en.Ticket.ID, Body: "我想退钱，谢谢。"}, admin)),
		handleErr(svc.Commands.Escalate.Handle(ctx, command.EscalateTicket{TicketID: tk.en.Ticket.ID,
			EscalateTicket: domain.EscalateTicket{Reason: "billing"}}, admin)),
		handleErr(svc.Commands.Resolve.Handle(ctx, command.ResolveTicket{TicketID: tk.en.Ticket.ID, Resolution: "Refunded the duplicate charge."}, admin)),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return tk
}

func handleErr(_ command.TicketResult, err error) error { return err }

// checkSearchHits runs searchQueries, checks their hits, and returns them by query.
func checkSearchHits(ctx context.Context, t *testing.T, svc *service.Service, tk searchTickets) map[string][]uuid.UUID {
	t.Helper()
	ids := map[string]uuid.UUID{"zh": tk.zh.Ticket.ID, "en": tk.en.Ticket.ID, "other": tk.other.Ticket.ID}
	want := func(names []string) []uuid.UUID {
		out := []uuid.UUID{}
		for _, n := range names {
			out = append(out, ids[n])
		}
		return sorted(out)
	}
	got := map[string][]uuid.UUID{}
	for _, q := range searchQueries {
		staff, public := searchIDs(ctx, t, svc, q.q, true), searchIDs(ctx, t, svc, q.q, false)
		if !slices.Equal(staff, want(q.staff)) || !slices.Equal(public, want(q.public_)) {
			t.Errorf("%q: staff %v, public %v; want %v, %v", q.q, staff, public, q.staff, q.public_)
		}
		got[q.q+" staff"], got[q.q] = staff, public
	}
	return got
}

func searchIDs(ctx context.Context, t *testing.T, svc *service.Service, q string, internal bool) []uuid.UUID {
	t.Helper()
	hits, err := svc.ReadSide.SearchTickets(ctx, q, internal, 50)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	out := []uuid.UUID{}
	for _, h := range hits {
		out = append(out, uuid.MustParse(h.TicketID))
	}
	return sorted(out)
}

func sorted(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return ids
}

// TestRebuildSearchOffline is `ticketctl rebuild search`: with ticketd stopped, the
// embedded index is emptied and rebuilt from the event store up to its last position;
// the next start catches up nothing and finds what the live index found.
func TestRebuildSearchOffline(t *testing.T) {
	cfg := service.Config{Data: t.TempDir()}
	cfg.Policies.Disabled = true
	ctx := context.Background()
	svc, stop := servicetest.RunService(t, cfg)
	tk := storeSearchTickets(ctx, t, svc)
	live := checkSearchHits(ctx, t, svc, tk)
	stop()

	off := cfg
	off.NoReadSide = true
	tool, err := service.Build(ctx, off, nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := tool.Store.ReadAll(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var stats projections.RebuildStats
	err = tool.Rebuild(ctx, projections.SearchName, func(string, int) {}, func(s projections.RebuildStats) { stats = s })
	if cerr := tool.Close(); err != nil || cerr != nil {
		t.Fatalf("rebuild search: %v, close: %v", err, cerr)
	}
	if stats.Events != len(recs) || stats.Position != recs[len(recs)-1].Position {
		t.Fatalf("rebuild search: %+v, the store holds %d records", stats, len(recs))
	}

	startIndexingNothing(ctx, t, cfg, tk, live, "rebuilt offline")
}

// startIndexingNothing starts the service on cfg's stores and checks that its search
// index resumes from its checkpoint (it indexes no event again) and finds what the live
// one found (live).
func startIndexingNothing(ctx context.Context, t *testing.T, cfg service.Config, tk searchTickets, live map[string][]uuid.UUID, when string) *service.Service {
	t.Helper()
	var logs testio.SyncBuffer
	svc, _ := servicetest.RunServiceLogged(t, cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	// (on a shared store the catch-up is the projector's leaseholder's, just after the start)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), `msg="search index caught up" events=`); {
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), `msg="search index caught up" events=0`) {
		t.Fatalf("%s: the start indexed again:\n%s", when, logs.String())
	}
	if got := checkSearchHits(ctx, t, svc, tk); !reflect.DeepEqual(got, live) {
		t.Fatalf("%s: %v, live: %v", when, got, live)
	}
	return svc
}

// TestRebuildSearchOverHTTP: POST /admin/rebuild/search rebuilds the index in ticketd
// (the events it read in the answer), and the index finds what it found before; with
// --search off the route answers 404.
func TestRebuildSearchOverHTTP(t *testing.T) {
	for _, mode := range []string{service.SearchDefault, service.SearchOff} {
		cfg := service.Config{EventStore: "memory:", Data: t.TempDir(), Search: mode}
		cfg.Policies.Disabled = true
		ctx := context.Background()
		svc, _ := servicetest.RunService(t, cfg)
		tk := servicetest.Receive(ctx, t, svc, "发票", "上个月的发票抬头写错了", "a@example.com")
		req := httptest.NewRequest(http.MethodPost, "/admin/rebuild/search", nil)
		req.Header.Set("Authorization", "Bearer "+svc.AdminToken)
		rec := httptest.NewRecorder()
		svc.HTTP.ServeHTTP(rec, req)
		if mode == service.SearchOff {
			if rec.Code != http.StatusNotFound {
				t.Fatalf("rebuild search with search off: %d %s", rec.Code, rec.Body)
			}
			continue
		}
		var st projections.RebuildStats
		if err := json.Unmarshal(rec.Body.Bytes(), &st); rec.Code != http.StatusOK || err != nil || st.Events == 0 {
			t.Fatalf("rebuild search: %d %s", rec.Code, rec.Body)
		}
		if hits := searchIDs(ctx, t, svc, "发票", false); !slices.Equal(hits, []uuid.UUID{tk.Ticket.ID}) {
			t.Fatalf("发票 after the rebuild: %v", hits)
		}
	}
}
