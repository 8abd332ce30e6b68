package clustertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/adapters/eventstore/pgstore"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
)

// check runs each of the checks as a subtest, so a report names which hold.
func (c *cluster) check(t *testing.T, tl timeline) {
	t.Helper()
	h := c.history(t)
	reqs := c.readRequests(t)
	t.Run("AcknowledgedCommandsAreInTheStore", func(t *testing.T) { checkAcknowledged(t, h, reqs) })
	t.Run("EveryChainVerifies", func(t *testing.T) { c.checkVerify(t) })
	t.Run("EverySLABreachEscalatedOnce", func(t *testing.T) { checkBreaches(t, h, tl) })
	t.Run("WebhooksOncePerEvent", func(t *testing.T) { checkWebhooks(t, h, c.hooks.byID(), tl, c.lostEpochs(t, "outbox")) })
	t.Run("MailsOncePerID", func(t *testing.T) { checkMails(t, h, c.mailsByID(), tl, c.lostEpochs(t, "outbox")) })
	t.Run("ReadModelsEqualARebuild", func(t *testing.T) { c.checkRebuild(t, h) })
	t.Run("NoFailedRequestDuringRollingRestart", func(t *testing.T) { checkRollingRestart(t, reqs, tl) })
}

// history is the whole event log, by stream, read straight from PostgreSQL.
type history struct {
	all      []eventlog.Record
	byStream map[string][]eventlog.Record
}

func (c *cluster) history(t *testing.T) history {
	t.Helper()
	ctx := context.Background()
	store, err := pgstore.Open(ctx, c.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	h := history{byStream: map[string][]eventlog.Record{}}
	var after uint64
	for {
		recs, err := store.ReadAll(ctx, after, 5000)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			h.all = append(h.all, r)
			h.byStream[r.Stream] = append(h.byStream[r.Stream], r)
		}
		after = recs[len(recs)-1].Position
	}
	t.Logf("the store holds %d events in %d streams", len(h.all), len(h.byStream))
	return h
}

// request is one line of ticketbench's request log (cmd/ticketbench/record.go).
type request struct {
	Start   int64  `json:"start_ns"`
	End     int64  `json:"end_ns"`
	Kind    string `json:"kind"`
	Class   string `json:"class"`
	Status  int    `json:"status"`
	OK      bool   `json:"ok"`
	Ticket  string `json:"ticket"`
	Version *int64 `json:"version"`
	Error   string `json:"error"`
}

func (c *cluster) readRequests(t *testing.T) []request {
	t.Helper()
	var out []request
	err := scanLines(c.requests, func(line []byte) error {
		var r request
		if err := json.Unmarshal(line, &r); err != nil {
			return fmt.Errorf("%w: %s", err, line)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatalf("ticketbench's request log: %v", err)
	}
	return out
}

// commandEvent is the event each kind of ticketbench command appends.
var commandEvent = map[string]string{
	"receive": domain.TypeTicketReceived, "classify": domain.TypeTicketClassified, "assign": domain.TypeTicketAssigned,
	"reply": domain.TypeTicketReplied, "resolve": domain.TypeTicketResolved, "portal_rate": domain.TypeTicketRated,
}

// checkAcknowledged: every command the load was told succeeded is in the store: its
// ticket's stream has the version it answered, and the command's event at or before it.
func checkAcknowledged(t *testing.T, h history, reqs []request) {
	acked, missing := 0, []string{}
	for _, r := range reqs {
		if !r.OK || r.Class != "command" {
			continue
		}
		acked++
		if r.Ticket == "" || r.Version == nil {
			missing = append(missing, fmt.Sprintf("%s acknowledged without ticket or version", r.Kind))
			continue
		}
		stream := h.byStream[eventlog.TicketStreamPrefix+r.Ticket]
		if int64(len(stream)) <= *r.Version || stream[*r.Version].Version != *r.Version {
			missing = append(missing, fmt.Sprintf("%s of ticket %s at version %d: the stream has %d events", r.Kind, r.Ticket, *r.Version, len(stream)))
			continue
		}
		if want, ok := commandEvent[r.Kind]; ok && !hasType(stream[:*r.Version+1], want) {
			missing = append(missing, fmt.Sprintf("%s of ticket %s at version %d: no %s up to it", r.Kind, r.Ticket, *r.Version, want))
		}
	}
	if acked == 0 {
		t.Fatal("the load acknowledged no command")
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d acknowledged commands are not in the store; first: %s", len(missing), acked, strings.Join(missing[:min(5, len(missing))], "; "))
	}
	t.Logf("%d acknowledged commands, each in the store", acked-len(missing))
}

func hasType(recs []eventlog.Record, typ string) bool {
	for _, r := range recs {
		if r.Type == typ {
			return true
		}
	}
	return false
}

// checkVerify: ticketctl verify checks every stream's hash chain and the global order.
func (c *cluster) checkVerify(t *testing.T) {
	cmd := exec.Command(filepath.Join(c.bin, "ticketctl"), "verify", "--eventstore", c.dsn, "--data", filepath.Join(c.dir, "ticketctl-data"))
	cmd.Env = nodeEnv("TICKETS_ADMIN_TOKEN="+adminToken, "TICKETS_SECRET_KEY="+secretKey)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ticketctl verify: %v\n%s", err, out)
	}
	t.Logf("ticketctl verify: %s", lastLines(string(out), 3))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// checkBreaches: each missed due time is recorded once, each breached ticket escalated
// exactly once (reason sla_breach), and every ticket that stayed unanswered well past its
// first-response target was breached (the monitor kept running across the hand-overs).
func checkBreaches(t *testing.T, h history, tl timeline) {
	breached, dupBreaches, badEscalations, missed := 0, []string{}, []string{}, []string{}
	for stream, recs := range h.byStream {
		if !strings.HasPrefix(stream, eventlog.TicketStreamPrefix) {
			continue
		}
		dues := map[string]int{}
		escalations, breaches := 0, 0
		answered, open := false, true
		for _, r := range recs {
			switch r.Type {
			case domain.TypeSLABreached:
				var b domain.SLABreached
				if err := json.Unmarshal(r.Data, &b); err != nil {
					t.Fatalf("%s v%d: %v", stream, r.Version, err)
				}
				dues[b.Clock+"@"+b.Due.UTC().Format(time.RFC3339Nano)]++
				breaches++
			case domain.TypeTicketEscalated:
				var e domain.TicketEscalated
				if err := json.Unmarshal(r.Data, &e); err != nil {
					t.Fatalf("%s v%d: %v", stream, r.Version, err)
				}
				if e.Reason == "sla_breach" {
					escalations++
				}
			case domain.TypeTicketReplied:
				answered = true
			case domain.TypeTicketResolved, domain.TypeTicketClosed:
				open = false
			}
		}
		for due, n := range dues {
			if n > 1 {
				dupBreaches = append(dupBreaches, fmt.Sprintf("%s: %s breached %d times", stream, due, n))
			}
		}
		if breaches > 0 {
			breached++
			if escalations != 1 {
				badEscalations = append(badEscalations, fmt.Sprintf("%s: %d breaches, %d escalations", stream, breaches, escalations))
			}
		} else if escalations > 0 {
			badEscalations = append(badEscalations, fmt.Sprintf("%s: escalated for a breach it does not have", stream))
		}
		// Unanswered and open since long before the load ended: the first response was
		// due firstResponse after receipt; the monitor had every chance to see it.
		received := recs[0].Meta.OccurredAt
		if open && !answered && breaches == 0 && received.Add(firstResponse+2*leaseTTL+5*time.Second).Before(tl.loadEnd) {
			missed = append(missed, fmt.Sprintf("%s (received %s)", stream, received.Format(time.TimeOnly)))
		}
	}
	if breached == 0 {
		t.Fatal("no ticket breached its SLA during the run: the check proves nothing")
	}
	for _, bad := range [][]string{dupBreaches, badEscalations, missed} {
		sort.Strings(bad)
	}
	if len(dupBreaches) > 0 {
		t.Errorf("%d due times breached more than once: %v", len(dupBreaches), dupBreaches[:min(5, len(dupBreaches))])
	}
	if len(badEscalations) > 0 {
		t.Errorf("%d tickets not escalated exactly once for their breach: %v", len(badEscalations), badEscalations[:min(5, len(badEscalations))])
	}
	if len(missed) > 0 {
		t.Errorf("%d unanswered tickets past their first-response target were never breached: %v", len(missed), missed[:min(5, len(missed))])
	}
	t.Logf("%d tickets breached their SLA; each escalated once", breached)
}

// checkWebhooks: every ticket and agent event reached the receiver, and none twice, but
// for the one call the SIGKILLed node may have had in flight: on PostgreSQL the relay
// saves its position (a row of duty_checkpoints) before and after every call, so only a
// call made and not yet recorded when the holder of `outbox` died is made again by the
// next holder, delivered before the death and again after the SIGKILL; and so for a
// holder that lost the lease without letting go (lostEpochs): one call each. Every other
// hand-over is clean (SIGTERM) and repeats nothing.
func checkWebhooks(t *testing.T, h history, got map[string][]delivery, tl timeline, lostLeases map[uint64]bool) {
	allowed := 0
	if tl.killedLeases["outbox"] > 0 {
		allowed = 1 // one URL, one relay, one call at a time
	}
	relayed, lost, inFlight, dups := 0, []string{}, []string{}, []string{}
	for _, r := range h.all {
		if !strings.HasPrefix(r.Stream, eventlog.TicketStreamPrefix) && !strings.HasPrefix(r.Stream, eventlog.AgentStreamPrefix) {
			continue
		}
		relayed++
		ds := got[r.ID.String()]
		when := make([]string, len(ds))
		for i, d := range ds {
			when[i] = d.At.Format("15:04:05.000")
		}
		what := fmt.Sprintf("%s position %d delivered %d times at %v", r.Type, r.Position, len(ds), when)
		switch {
		case len(ds) == 0:
			lost = append(lost, fmt.Sprintf("%s %s v%d (position %d)", r.Type, r.Stream, r.Version, r.Position))
		case len(ds) == 1:
		case len(ds) == 2 && ds[0].At.Before(tl.deadAt) && ds[1].At.After(tl.killAt):
			inFlight = append(inFlight, what)
		default:
			dups = append(dups, what)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d events never reached the webhook receiver; first: %v", len(lost), relayed, lost[:min(5, len(lost))])
	}
	if len(inFlight) > allowed {
		t.Errorf("%d events delivered before the SIGKILL of ticketd%d (leases %v) and again after it; at most %d call may have been in flight: %v",
			len(inFlight), tl.killed+1, tl.killedLeases, allowed, inFlight[:min(5, len(inFlight))])
	}
	if len(dups) > len(lostLeases) {
		t.Errorf("%d events delivered again outside the SIGKILL's window (%d may be, one per outbox lease lost: %v); first: %v",
			len(dups), len(lostLeases), lostLeases, dups[:min(5, len(dups))])
	}
	t.Logf("%d events relayed; %d delivered twice across the SIGKILL (the call in flight; %d allowed); %d lost; %d other repeats",
		relayed, len(inFlight), allowed, len(lost), len(dups))
}

// mailsByID groups the received mails by Message-ID.
func (c *cluster) mailsByID() map[string][]time.Time {
	out := map[string][]time.Time{}
	for _, m := range c.mails.Messages() {
		id := m.Header.Get("Message-ID")
		out[id] = append(out[id], m.Received)
	}
	return out
}

// maxMailsPerEvent is the most mails one event causes in this run: an assignment mails
// the customer and the assignee (no supervisor accounts exist, so breaches and
// escalations mail nobody).
const maxMailsPerEvent = 2

// checkMails: every ticket's receipt mail arrived, and no mail twice, but for the mails
// of events whose claim was in doubt when the holder of `outbox` was SIGKILLed (claimed
// under its epoch before it, re-sent once after it: NotificationClaimed{resend}), or
// when a holder lost the lease without letting go (lost: its renewals failed for a TTL on
// a loaded machine, lostEpochs), which leaves the same doubt.
func checkMails(t *testing.T, h history, got map[string][]time.Time, tl timeline, lost map[uint64]bool) {
	claimedAt, claimedBy := map[uint64]time.Time{}, map[uint64]uint64{}
	killed := tl.killedLeases["outbox"] // the epoch whose claims the SIGKILL left in doubt
	inDoubt := 0
	progress := map[uint64][]string{} // the mail stream's records of each event, for a lost mail's report
	for _, r := range h.byStream[policy.NotificationStream] {
		var at struct {
			Position uint64 `json:"position"`
			Resend   bool   `json:"resend"`
		}
		if json.Unmarshal(r.Data, &at) == nil {
			progress[at.Position] = append(progress[at.Position], fmt.Sprintf("%s%s at %s", r.Type, map[bool]string{true: "(resend)"}[at.Resend], r.Meta.OccurredAt.Format("15:04:05.000")))
		}
		var cl policy.NotificationClaimed
		if r.Type != policy.TypeNotificationClaimed || json.Unmarshal(r.Data, &cl) != nil {
			continue
		}
		if !cl.Resend {
			claimedAt[cl.Position], claimedBy[cl.Position] = r.Meta.OccurredAt, cl.Epoch
		} else if first, ok := claimedAt[cl.Position]; ok && !first.After(tl.deadAt) && killed > 0 && claimedBy[cl.Position] == killed {
			inDoubt++ // claimed by the killed holder of `outbox`, never recorded sent
		} else if ok && lost[claimedBy[cl.Position]] {
			inDoubt++ // claimed by a holder that lost the lease, never recorded sent
		}
	}
	var missing []string
	receipts := 0
	positionOf := map[string]uint64{} // a receipt's Message-ID → its TicketReceived's position
	for stream, recs := range h.byStream {
		if !strings.HasPrefix(stream, eventlog.TicketStreamPrefix) || recs[0].Type != domain.TypeTicketReceived {
			continue
		}
		receipts++
		id := "<" + strings.TrimPrefix(stream, eventlog.TicketStreamPrefix) + "@" + mailDomain + ">"
		positionOf[id] = recs[0].Position
		if len(got[id]) == 0 {
			missing = append(missing, fmt.Sprintf("%s (received %s, position %d; mail stream: %v)", id,
				recs[0].Meta.OccurredAt.Format("15:04:05.000"), recs[0].Position, progress[recs[0].Position]))
		}
	}
	var dups []string
	for id, at := range got {
		if len(at) > 1 {
			times := make([]string, len(at))
			for i, a := range at {
				times[i] = a.Format("15:04:05.000")
			}
			d := fmt.Sprintf("%s ×%d (arrived %v", id, len(at), times)
			if pos, ok := positionOf[id]; ok {
				d += fmt.Sprintf("; receipt of position %d; mail stream: %v", pos, progress[pos])
			}
			dups = append(dups, d+")")
		}
	}
	sort.Strings(dups)
	if receipts == 0 {
		t.Fatal("no ticket was received: the check proves nothing")
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d receipt mails never arrived (the leaseholder's SIGKILL at %s); first: %v", len(missing), receipts,
			tl.killAt.Format("15:04:05.000"), missing[:min(5, len(missing))])
	}
	if allowed := maxMailsPerEvent * inDoubt; len(dups) > allowed {
		t.Errorf("%d mails arrived more than once; at most %d may (%d events' mails in doubt at the SIGKILL or a lost lease; outbox epochs lost: %v, killed: %d): %v",
			len(dups), allowed, inDoubt, lost, killed, dups[:min(5, len(dups))])
	}
	t.Logf("%d distinct mails, %d receipts expected and %d missing, %d sent twice, %d events in doubt at the SIGKILL or a lost lease (outbox epochs lost: %v)",
		len(got), receipts, len(missing), len(dups), inDoubt, lost)
}

// checkRollingRestart: no request that started during the rolling restart failed, of any
// kind (commands, reads, portal look-ups): SIGTERM drains, HAProxy's health checks take
// each node out before it stops accepting.
func checkRollingRestart(t *testing.T, reqs []request, tl timeline) {
	from, to := tl.rollStart.UnixNano(), tl.rollEnd.UnixNano()
	during, failed := 0, []string{}
	outside := 0
	for _, r := range reqs {
		in := r.End >= from && r.Start <= to
		if in {
			during++
		}
		if r.OK {
			continue
		}
		if !in {
			outside++
			continue
		}
		failed = append(failed, fmt.Sprintf("%s at %s: status %d %s", r.Kind, time.Unix(0, r.Start).Format("15:04:05.000"), r.Status, r.Error))
	}
	if during == 0 {
		t.Fatal("no request during the rolling restart: the check proves nothing")
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d requests failed during the rolling restart; first: %s", len(failed), during, strings.Join(failed[:min(5, len(failed))], "; "))
	}
	t.Logf("%d requests during the rolling restart, %d failed; %d failed outside it (the SIGKILLs)", during, len(failed), outside)
}
