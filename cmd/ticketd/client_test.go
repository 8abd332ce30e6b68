package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// api is a minimal client of the HTTP API for the process tests: one bearer token,
// JSON in and out, transport errors returned (a killed server is expected to cause them).
type api struct {
	base  string
	token string
	http  *http.Client
}

func newAPI(base, token string) api {
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	return api{base: base, token: token, http: &http.Client{Transport: tr, Timeout: 20 * time.Second}}
}

type answer struct {
	Status int
	Body   map[string]any
	Raw    []byte
}

// call sends one request, with extra headers as name, value pairs; err is only for
// transport failures (no answer at all).
func (a api) call(ctx context.Context, method, path string, body any, hdr ...string) (answer, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := a.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return answer{}, err
	}
	out := answer{Status: res.StatusCode, Raw: raw}
	_ = json.Unmarshal(raw, &out.Body)
	return out, nil
}

// must is call for the checking phases, where anything but the wanted status fails the test.
func (a api) must(t *testing.T, want int, method, path string, body any) answer {
	t.Helper()
	ans, err := a.call(context.Background(), method, path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if ans.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, ans.Status, want, ans.Raw)
	}
	return ans
}

// version reads the "version" of an answer (a ticket view or the receive answer).
func (ans answer) version() (int64, error) {
	v, ok := ans.Body["version"].(float64)
	if !ok {
		return 0, fmt.Errorf("answer has no version: %s", ans.Raw)
	}
	return int64(v), nil
}

// eventJSON is one event of GET /tickets/{id}/events.
type eventJSON struct {
	Position       uint64          `json:"position"`
	Version        int64           `json:"version"`
	ID             string          `json:"id"`
	Type           string          `json:"type"`
	OccurredAt     time.Time       `json:"occurred_at"`
	Actor          string          `json:"actor"`
	Rule           string          `json:"rule"`
	Data           json.RawMessage `json:"data"`
	CorrelationID  string          `json:"correlation_id"`
	CausationID    string          `json:"causation_id"`
	IdempotencyKey string          `json:"idempotency_key"`
	Hash           string          `json:"hash"`
	PrevHash       string          `json:"prev_hash"`
}

// record rebuilds the stored record the hash covers. The API does not show request_hash,
// which the hash covers when the command had an Idempotency-Key, so only events of
// commands without one can be verified from this view; the tests send none.
func (e eventJSON) record(stream string) (eventlog.Record, error) {
	id, err := uuid.Parse(e.ID)
	if err != nil {
		return eventlog.Record{}, err
	}
	return eventlog.Record{
		ID: id, Stream: stream, Version: e.Version, Position: e.Position, Type: e.Type, Data: e.Data,
		Meta: eventlog.Metadata{
			Actor: e.Actor, CorrelationID: e.CorrelationID, CausationID: e.CausationID,
			IdempotencyKey: e.IdempotencyKey, Rule: e.Rule, OccurredAt: e.OccurredAt,
		},
		PrevHash: e.PrevHash, Hash: e.Hash,
	}, nil
}

// ticketEvents reads a ticket's history through the API.
func (a api) ticketEvents(t *testing.T, id string) []eventJSON {
	t.Helper()
	ans := a.must(t, http.StatusOK, http.MethodGet, "/tickets/"+id+"/events", nil)
	var out struct {
		Events []eventJSON `json:"events"`
	}
	if err := json.Unmarshal(ans.Raw, &out); err != nil {
		t.Fatalf("events of %s: %v", id, err)
	}
	return out.Events
}

// registerAgent registers an agent as admin and returns its id and token.
func registerAgent(t *testing.T, admin api, name string) (string, string) {
	t.Helper()
	ans := admin.must(t, http.StatusCreated, http.MethodPost, "/agents", map[string]any{
		"name": name, "email": "agent@example.com", "team": "support", "skills": []string{"billing"}, "capacity": 1000,
	})
	id, _ := ans.Body["id"].(string)
	token, _ := ans.Body["token"].(string)
	if id == "" || token == "" {
		t.Fatalf("register agent answered %s", ans.Raw)
	}
	return id, token
}
