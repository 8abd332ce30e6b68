// Package leases holds the component tests of the background duties run under a lease
// (docs/SCALING.md): two services on one store hand the SLA monitor, the shared
// projector, the NATS relay and the outbox over when the holder dies, with nothing done
// twice (TestLeaseHands*, TestOutboxHandsOverWithoutDuplicates). Only its tests have code.
package leases
