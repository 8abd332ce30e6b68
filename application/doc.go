// Package application is the use-case layer between the domain and the adapters. Its
// subpackages, by what a newcomer looks for:
//
//   - eventlog: the event log itself. Record and Metadata (the envelope every store keeps),
//     the EventStore port, the wrong-expected-version error, the time format, the registry
//     of stream kinds and stream names, canonical JSON and the hash chain with its verifier.
//   - command: one handler per command (receive, assign, reply, change a customer's tier,
//     …), each built on the narrow ports it uses; command metadata and idempotency; the
//     read-fold-decide-append loop with its stream cache; the Commands set the adapters
//     drive. Receive joins the customer's record (customers.go); a self-service receive
//     joins none until the address is confirmed (verify_customer.go).
//   - query: reads that fold a stream on demand (GetTicket, TicketEvents, RecordsAsOf),
//     and TicketView, the ticket as staff see it.
//   - access: authorisation: roles and principals, the rule of every action, the portal
//     limiter and client addresses.
//   - auth: authentication and secrets: the Authenticator (token to access.Principal), the
//     derivation of access codes and tokens, ticket numbers, HashSecret, and the
//     portal's FindTicketByNumber (a customer's number and access code are a credential).
//   - backup: export and import of the whole log as canonical JSON lines.
//   - erasure: crypto-shredding's seam: the per-customer data key store port (KeyStore,
//     in memory here; files under --data in adapters/keystore/filekeys) and AES-GCM
//     sealing of personal fields (docs/AUDIT.md, "Erasure": what is wired, what is not).
//   - policy: the automatic behaviour (SLA monitor, router, rules, notifications, webhooks).
//   - eventstoretest: the conformance suite every EventStore adapter runs.
//
// This package itself holds only what every layer above the domain shares: the error
// kinds (errors.go) and the Clock port.
package application
