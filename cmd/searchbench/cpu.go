package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// cpuClock reads the CPU time spent so far by this process and, for the postgres
// backend, by the database's client backends (read from /proc: the server must be on
// this machine). Unlike a latency it hardly depends on the load, so a figure taken on
// a busy machine still compares. The database should be the benchmark's own: every
// client backend of it counts.
type cpuClock struct {
	dsn string // postgres: the database; "": this process only
}

// clock is the CPU clock of the run: this process, and the server's backends for postgres.
func (c config) clock() cpuClock {
	if c.backend == "postgres" {
		return cpuClock{dsn: c.searchDSN}
	}
	return cpuClock{}
}

type cpuTimes struct{ self, server time.Duration }

func (c cpuClock) now(ctx context.Context) (cpuTimes, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return cpuTimes{}, err
	}
	t := cpuTimes{self: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	if c.dsn == "" {
		return t, nil
	}
	conn, err := pgx.Connect(ctx, c.dsn)
	if err != nil {
		return t, err
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`)
	if err != nil {
		return t, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return t, err
	}
	for _, pid := range pids {
		d, err := processCPU(int(pid))
		if err != nil {
			return t, fmt.Errorf("cpu of PostgreSQL backend %d (is the server on this machine?): %w", pid, err)
		}
		t.server += d
	}
	return t, nil
}

// processCPU is a process's user and system time from /proc/<pid>/stat (fields 14 and
// 15, in clock ticks of 1/100 s on Linux).
func processCPU(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // the name may hold spaces
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too short", pid)
	}
	var ticks int64
	for _, f := range fields[11:13] { // utime, stime: fields 14, 15 of the line
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}
