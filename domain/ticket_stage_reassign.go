package domain

import "github.com/google/uuid"

// The reassign stage action: a ticket whose assignee let a stage limit pass goes back to
// its team's queue, the assignee released (TicketUnassigned, its reason naming the rule),
// so that someone else takes it, or the router, when routing is on, gives it to its next
// choice. An assigned ticket becomes classified again (a new stage); an escalated one stays
// escalated, unassigned, in the new team's queue. Like every stage action it happens once
// per rule and due time (CheckStage records StageDeadlinePassed with it).

// StageReassignReason prefixes the reason of a TicketUnassigned caused by a stage limit;
// the rule's name follows.
const StageReassignReason = "stage_limit: "

// reassignment is the release a reassign rule records: none when nobody is assigned.
func (s TicketState) reassignment(r StageRule) (TicketUnassigned, bool) {
	if s.Assignee == uuid.Nil {
		return TicketUnassigned{}, false
	}
	return TicketUnassigned{AgentID: s.Assignee, Reason: StageReassignReason + r.Name}, true
}
