// Package auth authenticates and keeps secrets: the Authenticator turns bearer tokens into
// principals (access.Principal: a role and a subject), Secrets derives the access codes and tokens the
// engine hands out from the server key, and only their SHA-256 (HashSecret) is ever
// stored. Ticket numbers, which a customer types with the access code, are made here
// too, and FindTicketByNumber checks that pair in constant work: it is the portal's
// authentication.
package auth
