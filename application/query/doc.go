// Package query answers reads straight from the event log, folding a stream on demand so
// the answer is always current (no projection involved): a ticket now or as of a time,
// its events, the ticket a customer's number and access code name. TicketView is the
// ticket as staff see it, shared by the HTTP API, the projections and ticketctl.
package query
