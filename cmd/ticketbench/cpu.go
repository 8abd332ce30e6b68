package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuUsage is the CPU time (user + system) of this process and, with --pid, of ticketd,
// sampled at the start and the end of a run: what share of the machine's cores each
// side took, which on a shared machine says whether the server or the load generator ran
// out of CPU.
type cpuUsage struct {
	self, server time.Duration
	serverOK     bool
}

func sampleCPU(pid int) cpuUsage {
	var u cpuUsage
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		u.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	if pid > 0 {
		u.server, u.serverOK = processCPU(pid)
	}
	return u
}

// processCPU reads utime + stime of a process from /proc/<pid>/stat (in clock ticks of
// 1/100 s, the value of USER_HZ on Linux).
func processCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; fields after it are plain.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	st, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * 10 * time.Millisecond, true
}
