package searchtext_test

import (
	"strings"
	"testing"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// TestQueryTermsOfManyAddresses: a query of many addresses and words keeps the words
// outside the addresses and drops those inside (one pass over both, not a product).
func TestQueryTermsOfManyAddresses(t *testing.T) {
	text := strings.Repeat("a@b.co word ", 20000)
	got := searchtext.QueryTerms(text)
	if len(got) != 2 || got[0] != "a@b.co" || got[1] != "word" {
		t.Fatalf("QueryTerms = %q", got)
	}
}
