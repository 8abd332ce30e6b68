// Package query answers reads straight from the event log, folding a stream on demand so
// the answer is always current (no projection involved): a ticket now or as of a time,
// and its events. It folds with the command side's folds (command.FoldTicket), so a
// ticket read is the state a command decides on. TicketView is the ticket as staff see
// it, shared by the HTTP API, the projections and ticketctl.
package query
