// Package domain is the model: the Ticket and Agent aggregates, the commands they accept,
// the events they record, their transition rules and the SLA clocks. It decides and
// never stores: an aggregate is folded from events and answers a command with new ones.
// It is pure, the standard library and google/uuid only, so that every rule can be
// tested without a store, a clock or a network (purity_test.go holds it to that).
package domain
