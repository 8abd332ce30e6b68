package httpapi

import (
	"context"

	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// CustomerPhoneReads finds records by phone (GET /customers?phone=): *projections.Service
// implements it.
type CustomerPhoneReads interface {
	CustomersByPhone(ctx context.Context, phone string) ([]projections.CustomerView, error)
}

var _ CustomerPhoneReads = (*projections.Service)(nil)

// findCustomers is GET /customers: by email, or by phone (a customer without an email:
// docs/CHANNELS.md); exactly one of them.
func findCustomers(ctx context.Context, c CustomerReads, email, phone string) ([]projections.CustomerView, error) {
	byPhone, ok := c.(CustomerPhoneReads)
	switch {
	case email != "" && phone != "":
		return nil, fieldError("phone", "is not allowed with email: give one of them")
	case email != "":
		return c.CustomersByEmail(ctx, email)
	case phone == "":
		return nil, fieldError("email", "is required, or phone")
	case !ok:
		return nil, fieldError("phone", "is not supported by this read side")
	}
	if _, valid := domain.NormalizePhone(phone); !valid {
		return nil, fieldError("phone", "must be a phone number: 5 to 15 digits, an optional leading +, spaces, dashes, dots and brackets")
	}
	return byPhone.CustomersByPhone(ctx, phone)
}
