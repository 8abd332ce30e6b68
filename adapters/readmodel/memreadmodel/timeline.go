package memreadmodel

import (
	"encoding/json"
	"slices"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/projections"
)

// timeline is a ticket's public timeline packed into one byte slice, entries in version
// order: each entry is its version, time, kind, text and attachments (their JSON, empty
// for none: one byte). As a slice of PortalEntry it
// took 80 bytes an entry before its text, in an array grown by doubling.
type timeline []byte

// kinds numbers the portal's entry kinds; an unknown kind is written out after a 0.
var kinds = []string{"", projections.KindReceived, projections.KindReply, projections.KindCustomerReply,
	projections.KindAssigned, projections.KindWaiting, projections.KindResolved, projections.KindReopened,
	projections.KindClosed, projections.KindRating}

// with returns the timeline with e in its place by version; an entry already there for
// that version is kept (writing an entry twice changes nothing). It never writes into tl,
// which readers may hold.
func (tl timeline) with(e projections.PortalEntry) timeline {
	entries := tl.entries(uuid.Nil)
	i, found := slices.BinarySearchFunc(entries, e.Version, func(x projections.PortalEntry, v int64) int {
		return int(x.Version - v)
	})
	if found {
		return tl
	}
	if i == len(entries) { // the usual case: the newest event
		return timeline(clip(appendEntry(tl, e)))
	}
	var w []byte
	for _, x := range slices.Insert(entries, i, e) {
		w = appendEntry(w, x)
	}
	return timeline(clip(w))
}

func appendEntry(b []byte, e projections.PortalEntry) []byte {
	w := packer{b: b}
	w.varint(e.Version)
	w.time(e.At, timeZero)
	if k := slices.Index(kinds, e.Kind); k > 0 {
		w.b = append(w.b, byte(k))
	} else {
		w.b = append(w.b, 0)
		w.str(e.Kind)
	}
	w.str(e.Text)
	var atts []byte
	if len(e.Attachments) > 0 {
		atts, _ = json.Marshal(e.Attachments) // strings and numbers always encode
	}
	w.str(string(atts))
	return w.b
}

// entries decodes the timeline of ticket id, oldest first.
func (tl timeline) entries(id uuid.UUID) []projections.PortalEntry {
	var out []projections.PortalEntry
	r := unpacker{b: tl}
	for len(r.b) > 0 {
		e := projections.PortalEntry{TicketID: id, Version: r.varint(), At: r.time(timeZero)}
		if k := r.next(1)[0]; k > 0 {
			e.Kind = kinds[k]
		} else {
			e.Kind = r.str()
		}
		e.Text = r.str()
		if atts := r.str(); atts != "" {
			_ = json.Unmarshal([]byte(atts), &e.Attachments) // written by appendEntry
		}
		out = append(out, e)
	}
	return out
}
