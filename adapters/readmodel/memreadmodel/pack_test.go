package memreadmodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// randomize sets every field of v (recursively) to a random value, zero now and then:
// a field that pack forgets, or a time it shifts, does not survive the round trip.
func randomize(r *rand.Rand, v reflect.Value) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		if r.IntN(5) > 0 {
			ms := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() + r.Int64N(10*365*24*3600*1000)
			v.Set(reflect.ValueOf(time.UnixMilli(ms).Add(time.Duration(r.IntN(1000))).UTC()))
		}
		return
	}
	if r.IntN(6) == 0 {
		return // zero
	}
	if v.Type() == reflect.TypeFor[domain.TagList]() { // a value with an unexported field
		tags := make([]string, 1+r.IntN(4))
		for i := range tags {
			tags[i] = fmt.Sprintf("tag-%d", r.IntN(100))
		}
		v.Set(reflect.ValueOf(domain.NewTagList(tags)))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			randomize(r, v.Field(i))
		}
	case reflect.Array:
		for i := range v.Len() {
			v.Index(i).SetUint(uint64(r.IntN(256)))
		}
	case reflect.String:
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		v.SetString(string(b))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(r.Int64N(1<<40) - 1<<39)
	default:
		panic("randomize: no rule for " + v.Type().String())
	}
}

func TestPackRoundTripsEveryField(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var s domain.TicketState
		randomize(r, reflect.ValueOf(&s).Elem())
		got := pack(&s).state()
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, s)
		}
		if p := pack(&s); p.version != s.Version || !p.createdAt().Equal(s.CreatedAt) {
			t.Fatalf("packed version %d, created %v; want %d, %v", p.version, p.createdAt(), s.Version, s.CreatedAt)
		}
		// head decodes a prefix in state's order: a field added to pack and state but
		// not skipped in head shifts every field head reads after it.
		h := pack(&s).head()
		if h.ID != s.ID || !h.CreatedAt.Equal(s.CreatedAt) || h.Number != s.Number || h.Version != s.Version ||
			h.Status != s.Status || h.Channel != s.Channel || h.Customer.ID != s.Customer.ID ||
			h.Customer.Email != s.Customer.Email || h.Customer.RecordID != s.Customer.RecordID || h.Unverified != s.Unverified ||
			h.Category != s.Category || h.Priority != s.Priority || h.Team != s.Team || h.Assignee != s.Assignee || h.Tags != s.Tags {
			t.Fatalf("head:\n got %+v\nwant %+v", h, s)
		}
	}
}

func TestTimelineKeepsVersionOrderOnce(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	entry := func(v int64, kind, text string) projections.PortalEntry {
		return projections.PortalEntry{Version: v, At: at.Add(time.Duration(v) * time.Minute), Kind: kind, Text: text}
	}
	var tl timeline
	for _, e := range []projections.PortalEntry{
		entry(0, projections.KindReceived, "My printer is on fire"),
		entry(4, projections.KindReply, "We are on it"),
		entry(2, projections.KindAssigned, "Ana"),           // late: goes between
		entry(4, projections.KindReply, "a different text"), // the same version again: kept as it was
		entry(7, "a_kind_from_a_newer_version", ""),
	} {
		old := tl
		tl = tl.with(e)
		if len(old) > 0 && &old[0] == &tl[0] && len(old) != len(tl) {
			t.Fatal("with wrote into the timeline a reader may hold")
		}
	}
	want := []projections.PortalEntry{entry(0, projections.KindReceived, "My printer is on fire"),
		entry(2, projections.KindAssigned, "Ana"), entry(4, projections.KindReply, "We are on it"),
		entry(7, "a_kind_from_a_newer_version", "")}
	got := tl.entries([16]byte{})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("timeline:\n got %+v\nwant %+v", got, want)
	}
}

// TestVarintRoundTrips: a signed varint comes back whole, at zero, around the one-byte
// boundary and at both ends of the range.
func TestVarintRoundTrips(t *testing.T) {
	vals := []int64{0, 1, -1, 63, -64, 64, -65, math.MaxInt64, math.MinInt64}
	var w packer
	for _, v := range vals {
		w.varint(v)
	}
	r := unpacker{b: w.b}
	for _, v := range vals {
		if got := r.varint(); got != v {
			t.Errorf("varint %d came back as %d", v, got)
		}
	}
	if len(r.b) != 0 {
		t.Errorf("%d bytes left unread", len(r.b))
	}
}
