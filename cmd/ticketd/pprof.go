package main

import (
	"net/http"
	"net/http/pprof"
)

// withPprof serves Go's profiles under /debug/pprof/ beside the API, for --pprof only:
// they are registered on a mux of their own, never on http.DefaultServeMux, so nothing
// exposes them unless asked.
func withPprof(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/", api)
	return mux
}
