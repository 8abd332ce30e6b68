package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/query"
)

// summarize shows an event's data on one line: top-level fields in name order, long
// values cut. Hashes of secrets and the ticket's own id say nothing to a reader, and the
// SLA due times show on the state line that follows.
func summarize(data []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return cut(string(data), 120)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "access_code_hash" && k != "ticket_id" && k != "sla" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+summarizeValue(m[k]))
	}
	return strings.Join(parts, " ")
}

func summarizeValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return fmt.Sprintf("%q", cut(s, 60))
	}
	compact, err := eventlog.CanonicalJSON(raw)
	if err != nil {
		return cut(string(raw), 80)
	}
	return cut(string(compact), 80)
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// describeState shows the ticket as it stood, on one line.
func describeState(v query.TicketView) string {
	parts := []string{string(v.Status), "priority " + string(v.Priority), "team " + v.Team}
	if v.Category != nil {
		parts = append(parts, "category "+*v.Category)
	}
	if v.AssigneeName != nil {
		parts = append(parts, "assigned to "+*v.AssigneeName)
	} else {
		parts = append(parts, "unassigned")
	}
	if v.EscalationLevel > 0 {
		parts = append(parts, fmt.Sprintf("escalation level %d", v.EscalationLevel))
	}
	parts = append(parts, "first response due "+showTime(v.SLA.FirstResponseDue)+breached(v.SLA.FirstResponseBreached),
		"resolution due "+showTime(v.SLA.ResolutionDue)+breached(v.SLA.ResolutionBreached))
	if v.SLA.Paused {
		parts = append(parts, "SLA paused")
	}
	return fmt.Sprintf("%s (version %d)", strings.Join(parts, " · "), v.Version)
}

func showTime(t query.JSONTime) string {
	if time.Time(t).IsZero() {
		return "—"
	}
	return time.Time(t).UTC().Format(eventlog.TimeFormat)
}

func breached(b bool) string {
	if b {
		return " (breached)"
	}
	return ""
}
