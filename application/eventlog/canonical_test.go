package eventlog_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/eventlog"
)

// The reference: CanonicalJSON and ComputeHash as first written, through encoding/json's
// maps and interfaces. The fast versions must give the same bytes (or both fail) for
// every input, or stored hashes would stop verifying.

func referenceCanonical(raw []byte) ([]byte, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return []byte("null"), nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("trailing data")
	}
	return referenceMarshal(v)
}

func referenceMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func referenceHash(r eventlog.Record) (string, error) {
	data, err := referenceCanonical(r.Data)
	if err != nil {
		return "", err
	}
	meta := map[string]any{"actor": r.Meta.Actor, "occurred_at": eventlog.Truncate(r.Meta.OccurredAt).Format(eventlog.TimeFormat)}
	for k, v := range map[string]string{
		"correlation_id": r.Meta.CorrelationID, "causation_id": r.Meta.CausationID,
		"idempotency_key": r.Meta.IdempotencyKey, "request_hash": r.Meta.RequestHash, "rule": r.Meta.Rule,
	} {
		if v != "" {
			meta[k] = v
		}
	}
	if r.Meta.LeaseEpoch != 0 {
		meta["lease_epoch"] = r.Meta.LeaseEpoch
	}
	payload, err := referenceMarshal(map[string]any{
		"data": json.RawMessage(data), "id": r.ID.String(), "metadata": meta, "prev_hash": r.PrevHash,
		"stream": r.Stream, "type": r.Type, "version": r.Version,
	})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:]), nil
}

var canonicalCases = []string{
	``, `  `, `null`, `true`, `false`, `0`, `-0`, `1.50`, `1e+07`, `-12.5E-3`, `"x"`, `[]`, `{}`, ` { } `,
	`{"b":1,"a":[3,2,{"z":null,"y":"é"}]}`, `{"a":1,"a":2}`, `{"b":1,"a":2,"b":3}`,
	`"<b>&</b>"`, `"\u003cb\u003e"`, `"line\u2028sep\u2029"`, "\"raw\u2028sep\"", `"\ud83d\ude00"`, `"\ud83d"`,
	`"\ud83dx"`, `"\udc00\ud800"`, `"tab\tnl\n\u0001\u001f\u007f"`, `"\/slash"`, `"bad\x"`, "\"ctl\x01\"",
	"\"bad utf8 \xff\xfe\"", "{\"k\xff\":1,\"k\":2}", `{"\u00e9":1,"é":2}`, `{"é":1,"\u00e9":2}`,
	`{"a":1}]`, `{"a":1} }`, `{"a":1} x`, `1 2`, `123abc`, `[1,]`, `[,1]`, `{"a":}`, `{"a" 1}`, `{a:1}`,
	`01`, `1.`, `.5`, `1e`, `-`, `+1`, `[1 2]`, `{"a":1,}`, `"unterminated`, `nul`, `truex`, `[true false]`,
	`{"工单":"打印机 <坏了>","n":12345678901234567890,"f":1.000}`, "\ufeff{}", `[[[[]]]]`, `{"":""}`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 9999) + strings.Repeat("]", 9999),
}

func TestCanonicalJSONMatchesReference(t *testing.T) {
	for _, c := range canonicalCases {
		compareCanonical(t, []byte(c))
	}
}

func compareCanonical(t *testing.T, in []byte) {
	t.Helper()
	want, werr := referenceCanonical(in)
	got, gerr := eventlog.CanonicalJSON(in)
	if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
		t.Fatalf("CanonicalJSON(%.200q) = %.200q, %v; the reference gives %.200q, %v", in, got, gerr, want, werr)
	}
}

func FuzzCanonicalJSON(f *testing.F) {
	for _, c := range canonicalCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) { compareCanonical(t, in) })
}

func FuzzComputeHash(f *testing.F) {
	f.Add(`{"a":"b"}`, "agent:1", "corr", "", "key", "", "", "prev", "ticket-x", "TicketReplied", int64(3), int64(1700000000123456789))
	f.Add(`[1]`, "<é>\u2028", "", "caus", "", "rh", "rule \x01", "", "s\xff", "T\"", int64(-1), int64(0))
	f.Add(`{}`, "system", "", "", "", "", "sla_monitor", "", "ticket-y", "SLABreached", int64(-7), int64(1))
	f.Fuzz(func(t *testing.T, data, actor, corr, caus, key, rh, rule, prev, stream, typ string, version, nanos int64) {
		var epoch uint64 // a lease epoch on about half the records (the corpus predates it)
		if version < 0 {
			epoch = uint64(-version)
		}
		r := eventlog.Record{
			ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte(data)), Stream: stream, Version: version, Type: typ, Data: []byte(data),
			PrevHash: prev,
			Meta: eventlog.Metadata{Actor: actor, CorrelationID: corr, CausationID: caus, IdempotencyKey: key,
				RequestHash: rh, Rule: rule, LeaseEpoch: epoch, OccurredAt: time.Unix(0, nanos)},
		}
		want, werr := referenceHash(r)
		got, gerr := eventlog.ComputeHash(r)
		if (werr != nil) != (gerr != nil) || got != want {
			t.Fatalf("ComputeHash = %s, %v; the reference gives %s, %v", got, gerr, want, werr)
		}
	})
}
