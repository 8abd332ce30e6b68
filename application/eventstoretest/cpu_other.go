//go:build !unix

package eventstoretest

import "time"

// ProcessCPU is unknown here (-1).
func ProcessCPU() time.Duration { return -1 }
