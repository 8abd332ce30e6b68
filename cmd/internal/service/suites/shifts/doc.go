// Package shifts holds the roster duty's component test on two services and one
// PostgreSQL store (docs/SLA-CLOCKS.md, "Shifts"): a one-minute shift on the wall clock
// starts and ends once each. The test mostly waits for whole minutes (one to two), so it
// is a package of its own: its wait overlaps the other packages' work in CI.
package shifts
