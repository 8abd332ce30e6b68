package eventlog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
)

// The hash chain. Each record's Hash is SHA-256 over a canonical JSON object holding the
// previous record's hash and every field of the record except Position (which each store
// assigns differently, so a history can move between stores and still verify):
//
//	{"data":…,"id":…,"metadata":{…},"prev_hash":…,"stream":…,"type":…,"version":…}
//
// Canonical means keys sorted, no insignificant white space, no HTML escaping, numbers as
// written, times as RFC 3339 UTC milliseconds. Data is canonicalised too, so a store that
// re-encodes JSON (jsonb) cannot break the chain, while any change of a value does.
// The first record of a stream has an empty PrevHash.

// CanonicalJSON re-encodes JSON with sorted keys and no white space (canonical.go).
func CanonicalJSON(raw []byte) ([]byte, error) {
	return appendCanonical(nil, raw)
}

// ComputeHash returns the hash the record should carry, given its PrevHash. It writes the
// payload above directly, keys in order, rather than through a map and encoding/json:
// verifying a store is one hash per event, and this is most of its cost.
func ComputeHash(r Record) (string, error) {
	buf := make([]byte, 0, 256+len(r.Data)+len(r.Meta.Actor)+len(r.Stream))
	buf = append(buf, `{"data":`...)
	buf, err := appendCanonical(buf, r.Data)
	if err != nil {
		return "", err
	}
	buf = append(buf, `,"id":"`...)
	buf = append(buf, r.ID.String()...)
	buf = append(buf, `","metadata":{"actor":`...)
	buf = appendString(buf, r.Meta.Actor)
	m := r.Meta
	for _, f := range [...]struct{ key, value string }{
		{`,"causation_id":`, m.CausationID}, {`,"correlation_id":`, m.CorrelationID},
		{`,"idempotency_key":`, m.IdempotencyKey}, {`,"lease_epoch":`, ""}, {`,"occurred_at":`, Truncate(m.OccurredAt).Format(TimeFormat)},
		{`,"request_hash":`, m.RequestHash}, {`,"rule":`, m.Rule},
	} {
		if f.key == `,"lease_epoch":` { // the one number among them, left out when 0
			if m.LeaseEpoch != 0 {
				buf = append(buf, f.key...)
				buf = strconv.AppendUint(buf, m.LeaseEpoch, 10)
			}
			continue
		}
		if f.value != "" {
			buf = append(buf, f.key...)
			buf = appendString(buf, f.value)
		}
	}
	buf = append(buf, `},"prev_hash":`...)
	buf = appendString(buf, r.PrevHash)
	buf = append(buf, `,"stream":`...)
	buf = appendString(buf, r.Stream)
	buf = append(buf, `,"type":`...)
	buf = appendString(buf, r.Type)
	buf = append(buf, `,"version":`...)
	buf = strconv.AppendInt(buf, r.Version, 10)
	buf = append(buf, '}')
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), nil
}

// appendString appends s as a JSON string, as encoding/json writes it without HTML escaping.
func appendString(dst []byte, s string) []byte {
	if plainText(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(dst, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// Seal sets PrevHash and Hash on records about to be appended after prev (empty for a new stream).
func Seal(prevHash string, records []Record) error {
	for i := range records {
		records[i].PrevHash = prevHash
		h, err := ComputeHash(records[i])
		if err != nil {
			return fmt.Errorf("seal %s v%d: %w", records[i].Stream, records[i].Version, err)
		}
		records[i].Hash = h
		prevHash = h
	}
	return nil
}

// ChainProblem names the first record of a stream that does not verify.
type ChainProblem struct {
	Stream  string `json:"stream"`
	Version int64  `json:"version"`
	EventID string `json:"event_id"`
	Problem string `json:"problem"`
}

func (p ChainProblem) String() string {
	return fmt.Sprintf("%s v%d (event %s): %s", p.Stream, p.Version, p.EventID, p.Problem)
}

// ChainVerifier checks streams record by record, in any interleaving of streams, and keeps
// only each stream's last version and hash, so a million events verify in constant memory
// per stream.
type ChainVerifier struct {
	heads    map[string]chainHead
	failed   map[string]bool
	Problems []ChainProblem
}

type chainHead struct {
	version int64
	hash    string
}

// NewChainVerifier returns an empty verifier.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{heads: map[string]chainHead{}, failed: map[string]bool{}}
}

// Add checks the next record of its stream: a version gap means an event was removed or
// reordered; a wrong PrevHash, that the chain was cut; a wrong Hash, that the record was
// altered. Only the first problem of a stream is kept: what follows it cannot be trusted.
func (v *ChainVerifier) Add(r Record) {
	if v.failed[r.Stream] {
		return
	}
	head, seen := v.heads[r.Stream]
	wantVersion, wantPrev := int64(0), ""
	if seen {
		wantVersion, wantPrev = head.version+1, head.hash
	}
	problem := ""
	switch {
	case r.Version != wantVersion:
		problem = fmt.Sprintf("version %d where %d was expected: an event is missing or out of order", r.Version, wantVersion)
	case r.PrevHash != wantPrev:
		problem = "prev_hash does not match the previous event's hash: the chain is broken"
	default:
		if h, err := ComputeHash(r); err != nil || h != r.Hash {
			problem = "hash does not match the event's contents: the event was altered"
		}
	}
	if problem != "" {
		v.failed[r.Stream] = true
		v.Problems = append(v.Problems, ChainProblem{Stream: r.Stream, Version: r.Version, EventID: r.ID.String(), Problem: problem})
		return
	}
	v.heads[r.Stream] = chainHead{version: r.Version, hash: r.Hash}
}

// Heads returns each verified stream's last version and hash.
func (v *ChainVerifier) Heads() map[string]string {
	out := make(map[string]string, len(v.heads))
	for s, h := range v.heads {
		out[s] = fmt.Sprintf("%d:%s", h.version, h.hash)
	}
	return out
}
