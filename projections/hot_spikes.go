package projections

import (
	"time"

	"github.com/google/uuid"

	"github.com/ticketengine/ticketengine/application/hotissues"
)

// HotSpikes is the projection of raised spikes (HotIssueDetected, one stream each): what
// GET /reports/hot and the supervisors' desk list.
const HotSpikes = "hot_spikes"

// HotSpike is a row of hot_spikes: the spike as it was raised.
type HotSpike struct {
	ID         uuid.UUID `json:"spike_id"`
	Version    int64     `json:"version"`
	DetectedAt time.Time `json:"detected_at"`
	hotissues.Detected
}

var hotSpikesProjection = Declare(Spec[HotSpike]{
	Name: HotSpikes, Reads: HotIssueStreams,
	Empty: func(id uuid.UUID) HotSpike { return HotSpike{ID: id, Version: -1} },
	Fold: func(r HotSpike, e *Event) HotSpike {
		r.ID, r.Version = e.ID, e.Version()
		if x, ok := e.Data.(hotissues.Detected); ok {
			r.Detected, r.DetectedAt = x, e.At().UTC()
		}
		return r
	},
	Head: func(r *HotSpike) (*uuid.UUID, *int64) { return &r.ID, &r.Version },
	Table: Table{
		Name: "rm_hot_spikes", Key: []string{"spike_id"},
		Columns: []Column{
			Col("spike_id", "uuid", func(r *HotSpike) uuid.UUID { return r.ID }),
			Col("version", "bigint", func(r *HotSpike) int64 { return r.Version }),
			Col("series", "text", func(r *HotSpike) string { return r.Series }),
			NullCol("window_start", "timestamptz", func(r *HotSpike) time.Time { return r.WindowStart }),
			Col("count", "integer", func(r *HotSpike) int { return r.Count }),
			Col("baseline", "double precision", func(r *HotSpike) float64 { return r.Baseline }),
			NullCol("detected_at", "timestamptz", func(r *HotSpike) time.Time { return r.DetectedAt }),
			SnapshotCol("snapshot"),
		},
		Read: []string{"snapshot"}, Scan: ScanSnapshot[HotSpike],
	},
})
