package command

import "github.com/ticketengine/ticketengine/domain"

// invalidField is a one-field validation error.
func invalidField(field, message string) error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: field, Message: message}}}
}
