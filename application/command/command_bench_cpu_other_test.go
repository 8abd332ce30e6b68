//go:build !unix

package command_test

import "time"

// processCPU is unknown here (-1): the benchmark reports no CPU time.
func processCPU() time.Duration { return -1 }
