// Package inbound is the one use case for messages that come in by themselves: a mail
// read from a support mailbox, a message a chat or phone system posts to a signed
// channel (POST /channels/{name}/messages). The adapters turn what they read into a
// Message; Intake.Take decides what it is (a new ticket, the customer's reply on the
// ticket it threads to, a follow-up of a closed one, an automatic message kept on a
// ticket) and makes it so exactly once.
//
// Once: every message is keyed by its external id (a Message-ID, a channel's
// message_id). Before anything is appended, the decision is reserved in the stream
// inbound-<key digest>, appended where none may exist; a second delivery of the same
// message (a repeat, another node, a restart) reads the first one's decision instead of
// making its own. The decision is then carried out with an idempotency key derived from
// the same key, so a crash between the reservation and the ticket's event is completed,
// not doubled, by the next delivery; a last record marks the message stored.
package inbound
