//go:build unix

package eventstoretest

import (
	"syscall"
	"time"
)

// ProcessCPU is the CPU time the process has used, user and system (a database server's
// own is not in it). On a shared machine the wall-clock rate of a benchmark depends on the
// neighbours' load; the rate per CPU-second much less.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
