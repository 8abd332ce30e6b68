package main

import (
	"flag"
	"io"
	"strings"

	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// storeFlags takes ticketd's flags (--data, --eventstore, …) out of a command's arguments,
// so that `ticketctl verify --data ./data` works as `ticketctl --data ./data verify` does:
// people type the command first. A flag the command itself defines would stay with it,
// but no command shares a name with ticketd's flags (TestStoreFlagNamesAreFree). Parsing
// stops at "--", after which everything is the command's.
func storeFlags(args []string) (store, rest []string) {
	fs := flag.NewFlagSet("ticketd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg service.Config
	cfg.RegisterFlags(fs, func(string) string { return "" })
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return store, append(rest, args[i:]...)
		}
		name, hasValue := flagName(a)
		f := fs.Lookup(name)
		if name == "" || f == nil {
			rest = append(rest, a)
			continue
		}
		store = append(store, a)
		if !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			store = append(store, args[i])
		}
	}
	return store, rest
}

// flagName is the name of a flag argument (-name, --name, --name=value), "" if a is not one.
func flagName(a string) (name string, hasValue bool) {
	if len(a) < 2 || a[0] != '-' {
		return "", false
	}
	name = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	name, _, hasValue = strings.Cut(name, "=")
	return name, hasValue
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
