package projections

import "unique"

// intern returns the one shared copy of s: for the few values many rows repeat (teams,
// priorities, tiers, languages), which each decoded event otherwise brings as a string of
// its own. Copies nobody holds any more are dropped (package unique), so values that
// come and go (a team renamed) do not pile up.
func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}
