// Package mailbox holds the IMAP mailbox reader's component tests (docs/CHANNELS.md): a
// mail's round trip through a Dovecot of the test's own (TestMailboxRoundTrip) and the
// reader under a lease on two nodes (TestMailboxOnTwoNodes). Only its tests have code.
package mailbox
