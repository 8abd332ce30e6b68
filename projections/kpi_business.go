package projections

import (
	"fmt"
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// The KPI durations in business time. The domain decides, under the calendar in force for
// the ticket's team and tier when the event happened, the working time of a first response
// and of a resolution, and the event carries it (domain/ticket_kpi_work.go); the fact only
// keeps what the events say, so a rebuild gives the same facts as the live fold. A ticket
// under 24×7 carries nothing: its business time is its calendar time.

// KPI time bases of GET /reports/kpi?time=.
const (
	KPITimeCalendar = "calendar" // wall-clock time, the default
	KPITimeBusiness = "business" // working time under the ticket's calendar
)

// ParseKPITime checks a time= value; empty is calendar time.
func ParseKPITime(v string) (string, error) {
	switch v {
	case "", KPITimeCalendar:
		return KPITimeCalendar, nil
	case KPITimeBusiness:
		return KPITimeBusiness, nil
	}
	return "", fmt.Errorf("%w: time must be calendar or business", domain.ErrInvalid)
}

// kpiWork keeps the working times an event carries.
func kpiWork(f KPIFact, e domain.Event) KPIFact {
	switch e := e.(type) {
	case domain.TicketReplied:
		if e.FirstResponseWork != nil && f.State.FirstRespondedAt.IsZero() {
			f.FirstResponseWork = e.FirstResponseWork
		}
	case domain.TicketResolved:
		if e.FirstResponseWork != nil && f.State.FirstRespondedAt.IsZero() {
			f.FirstResponseWork = e.FirstResponseWork
		}
		f.ResolutionWork = e.ResolutionWork // nil under 24×7: calendar time
	}
	return f
}

// FirstResponseTimeIn is FirstResponseTime in the time base: under business time, the
// working time the first response's event carries, else (24×7) the calendar time.
func (f KPIFact) FirstResponseTimeIn(base string) (time.Duration, bool) {
	d, ok := f.FirstResponseTime()
	if ok && base == KPITimeBusiness && f.FirstResponseWork != nil {
		return *f.FirstResponseWork, true
	}
	return d, ok
}

// ResolutionTimeIn is ResolutionTime in the time base: under business time, the working
// time the last resolution's event carries (waits left out), else the calendar time.
func (f KPIFact) ResolutionTimeIn(base string) (time.Duration, bool) {
	d, ok := f.ResolutionTime()
	if ok && base == KPITimeBusiness && f.ResolutionWork != nil {
		return *f.ResolutionWork, true
	}
	return d, ok
}
