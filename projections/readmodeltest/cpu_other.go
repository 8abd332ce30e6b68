//go:build !unix

package readmodeltest

import "time"

// ProcessCPU is unknown here (-1).
func ProcessCPU() time.Duration { return -1 }
