package policyfile

import (
	"time"

	"github.com/ticketengine/ticketengine/domain"
)

// stage is one entry of `stages:` (domain.StageRule; docs/SLA-CLOCKS.md "Stage time limits").
type stage struct {
	Name       string            `yaml:"name" json:"name"`
	Stage      domain.Status     `yaml:"stage" json:"stage"`
	After      *duration         `yaml:"after" json:"after"`
	Action     string            `yaml:"action" json:"action"`
	Tiers      []domain.Tier     `yaml:"tiers" json:"tiers"`
	Priorities []domain.Priority `yaml:"priorities" json:"priorities"`
}

// overlayStages sets the file's stage limits; SLAPolicy.Validate checks them.
func (f file) overlayStages(p *domain.SLAPolicy) {
	for _, s := range f.Stages {
		var after time.Duration
		if s.After != nil {
			after = time.Duration(*s.After)
		}
		p.Stages = append(p.Stages, domain.StageRule{Name: s.Name, Stage: s.Stage, After: after, Action: s.Action,
			Tiers: s.Tiers, Priorities: s.Priorities})
	}
}
