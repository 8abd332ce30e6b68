package domain_test

import (
	"slices"
	"testing"

	"github.com/ticketengine/ticketengine/domain"
)

// TestTagsChangeApply: a change keeps the tags not removed in their order, then adds the
// new ones once, in a new slice (the caller's list is left as it was).
func TestTagsChangeApply(t *testing.T) {
	tags := []string{"billing", "vip", "printer"}
	e := domain.TicketTagsChanged{Added: []string{"urgent", "vip", "urgent"}, Removed: []string{"printer"}}
	got := e.Apply(tags)
	if want := []string{"billing", "vip", "urgent"}; !slices.Equal(got, want) {
		t.Errorf("Apply = %q, want %q", got, want)
	}
	if want := []string{"billing", "vip", "printer"}; !slices.Equal(tags, want) {
		t.Errorf("Apply changed its argument to %q", tags)
	}
	if got := (domain.TicketTagsChanged{Removed: []string{"x"}}).Apply([]string{"x"}); len(got) != 0 {
		t.Errorf("removing the only tag left %q", got)
	}
}
