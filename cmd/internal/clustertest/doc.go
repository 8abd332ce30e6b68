// Package clustertest is the acceptance test of several ticketd behind a load balancer
// (docs/SCALING.md): HAProxy in front of three ticketd binaries on one PostgreSQL and a
// three-node NATS JetStream cluster, a ticketbench load through the proxy, and the
// failures a cluster meets (a leader killed, a NATS node killed, a rolling restart),
// then what must hold afterwards. Its code is all in tests; TestMeasureThroughTheProxy
// (TICKETS_CLUSTER_MEASURE=1) gives the figures of docs/SCALING.md.
package clustertest
