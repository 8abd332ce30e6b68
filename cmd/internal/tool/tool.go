// Package tool is what the module's tools share around their run function: a context
// that SIGINT and SIGTERM cancel, and the exit status of the error run returns.
package tool

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Main runs run on a context that SIGINT and SIGTERM cancel, then exits with
// ExitCode's status.
func Main(name string, run func(ctx context.Context) error) {
	MainCode(func(ctx context.Context) int { return ExitCode(name, run(ctx), os.Stderr) })
}

// MainCode runs run on a context that SIGINT and SIGTERM cancel, then exits with the
// status it returns.
func MainCode(run func(ctx context.Context) int) {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx)
	stop()
	os.Exit(code)
}

// ExitCode is a tool's exit status for the error its run returned: 0 for none and for
// flag.ErrHelp (the usage was asked for, and printed), else 1 after writing
// "name: err" to stderr.
func ExitCode(name string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(stderr, name+":", err)
	return 1
}
