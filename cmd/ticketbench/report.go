package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// report is what a run measured, as --json prints it. Times are in milliseconds.
type report struct {
	Scenario       string            `json:"scenario"`
	URL            string            `json:"url"`
	Concurrency    int               `json:"concurrency"`
	Seed           int64             `json:"seed"`
	RateTarget     float64           `json:"rate_target,omitempty"`
	PacerBehindMS  float64           `json:"pacer_behind_max_ms,omitempty"`
	ElapsedS       float64           `json:"elapsed_s"`
	Iterations     int64             `json:"iterations"`
	IterationsFail int64             `json:"iterations_failed"`
	Commands       uint64            `json:"commands"`
	Reads          uint64            `json:"reads"`
	Probes         uint64            `json:"probes"`
	CommandsPerS   float64           `json:"commands_per_s"`
	ReadsPerS      float64           `json:"reads_per_s"`
	Errors         map[string]uint64 `json:"errors_by_status"`
	Kinds          []kindReport      `json:"kinds"`
	Lag            lagReport         `json:"projection_lag"`
	BenchCPUCores  float64           `json:"ticketbench_cpu_cores"`
	Server         *serverReport     `json:"server,omitempty"`
	FirstErrors    []string          `json:"first_errors,omitempty"`
	// FirstLoad is what a browser transfers to show the page the first time (pages).
	FirstLoad []weightReport `json:"first_load,omitempty"`
}

type kindReport struct {
	Kind   string            `json:"kind"`
	Class  string            `json:"class"`
	OK     uint64            `json:"ok"`
	Errors map[string]uint64 `json:"errors_by_status,omitempty"`
	PerS   float64           `json:"per_s"`
	latencies
}

type latencies struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

type lagReport struct {
	Via     string `json:"via"`
	Samples uint64 `json:"samples"`
	Missed  uint64 `json:"missed"`
	Dropped uint64 `json:"dropped"`
	latencies
}

// serverReport is ticketd's memory, read from /proc/<pid>/status (--pid). RSS counts the
// embedded store's memory-mapped file pages too (RssFile), which the kernel can drop at
// will; RssAnon is the process's own memory (heap, stacks, read models).
type serverReport struct {
	PID        int     `json:"pid"`
	VmHWMMiB   float64 `json:"peak_rss_mib"`
	VmRSSMiB   float64 `json:"rss_mib"`
	RssAnonMiB float64 `json:"rss_anon_mib"`
	RssFileMiB float64 `json:"rss_file_mib"`
	// CPUCores is ticketd's CPU time during the run over the run's duration.
	CPUCores float64 `json:"cpu_cores"`
}

var classNames = map[class]string{classCommand: "command", classRead: "read", classProbe: "probe"}

func newReport(r result) report {
	secs := r.elapsed.Seconds()
	rep := report{
		Scenario: r.o.Scenario, URL: r.o.URL, Concurrency: r.o.Concurrency, Seed: r.o.Seed, RateTarget: r.o.Rate,
		ElapsedS: secs, Iterations: r.done, IterationsFail: r.failed, Errors: map[string]uint64{}, FirstErrors: r.firstErrs,
		Lag: lagReport{Via: r.o.Lag, Samples: r.st.lag.Count(), Missed: r.st.lagMissed.Load(), Dropped: r.st.lagDropped.Load(), latencies: latenciesOf(&r.st.lag)},
	}
	if r.pace != nil {
		rep.PacerBehindMS = float64(r.pace.behind.Load()) / 1e6
	}
	for _, k := range r.st.sorted() {
		kr := kindReport{Kind: k.name, Class: classNames[k.class], OK: k.ok.Load(), PerS: float64(k.ok.Load()) / secs, latencies: latenciesOf(&k.latency)}
		k.mu.Lock()
		for status, n := range k.errors {
			if kr.Errors == nil {
				kr.Errors = map[string]uint64{}
			}
			kr.Errors[statusName(status)] += n
			rep.Errors[statusName(status)] += n
		}
		k.mu.Unlock()
		switch k.class {
		case classCommand:
			rep.Commands += kr.OK
		case classRead:
			rep.Reads += kr.OK
		default:
			rep.Probes += kr.OK
		}
		rep.Kinds = append(rep.Kinds, kr)
	}
	rep.CommandsPerS, rep.ReadsPerS = float64(rep.Commands)/secs, float64(rep.Reads)/secs
	rep.BenchCPUCores = (r.cpu[1].self - r.cpu[0].self).Seconds() / secs
	if r.o.PID > 0 {
		rep.Server = readServerMemory(r.o.PID)
		if rep.Server != nil && r.cpu[0].serverOK && r.cpu[1].serverOK {
			rep.Server.CPUCores = (r.cpu[1].server - r.cpu[0].server).Seconds() / secs
		}
	}
	return rep
}

func latenciesOf(h *histogram) latencies {
	return latencies{P50: ms(h.Quantile(0.5)), P90: ms(h.Quantile(0.9)), P99: ms(h.Quantile(0.99)), Max: ms(h.Max())}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func statusName(s int) string {
	if s == 0 {
		return "transport"
	}
	return strconv.Itoa(s)
}

// readServerMemory reads VmHWM (peak RSS) and VmRSS of a process on this machine.
func readServerMemory(pid int) *serverReport {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil
	}
	defer f.Close()
	s := &serverReport{PID: pid}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, val, _ := strings.Cut(sc.Text(), ":")
		kib, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		if err != nil {
			continue
		}
		switch name {
		case "VmHWM":
			s.VmHWMMiB = kib / 1024
		case "VmRSS":
			s.VmRSSMiB = kib / 1024
		case "RssAnon":
			s.RssAnonMiB = kib / 1024
		case "RssFile":
			s.RssFileMiB = kib / 1024
		}
	}
	return s
}

func writeJSONReport(w io.Writer, r report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// writeTextReport prints the report as a table for people.
func writeTextReport(w io.Writer, r report) {
	fmt.Fprintf(w, "scenario %s against %s, %d clients, seed %d", r.Scenario, r.URL, r.Concurrency, r.Seed)
	if r.RateTarget > 0 {
		fmt.Fprintf(w, ", open loop at %.0f commands/s (most behind schedule: %.1f ms)", r.RateTarget, r.PacerBehindMS)
	}
	fmt.Fprintf(w, "\n%.1fs: %d iterations (%d failed); %.0f commands/s, %.0f reads/s\n", r.ElapsedS, r.Iterations, r.IterationsFail, r.CommandsPerS, r.ReadsPerS)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\tclass\tok\t/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t")
	for _, k := range r.Kinds {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t\n", k.Kind, k.Class, k.OK, k.PerS, k.P50, k.P90, k.P99, k.Max, formatErrors(k.Errors))
	}
	tw.Flush()
	l := r.Lag
	if l.Via != "none" {
		fmt.Fprintf(w, "projection lag via %s: %d samples, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d missed, %d dropped\n",
			l.Via, l.Samples, l.P50, l.P90, l.P99, l.Max, l.Missed, l.Dropped)
	}
	fmt.Fprintf(w, "errors by status: %s\n", formatErrors(r.Errors))
	fmt.Fprintf(w, "CPU: ticketbench %.2f cores", r.BenchCPUCores)
	if r.Server != nil {
		fmt.Fprintf(w, ", ticketd %.2f cores\nticketd pid %d: peak RSS %.1f MiB; RSS now %.1f MiB (anonymous %.1f, mapped files %.1f)",
			r.Server.CPUCores, r.Server.PID, r.Server.VmHWMMiB, r.Server.VmRSSMiB, r.Server.RssAnonMiB, r.Server.RssFileMiB)
	}
	fmt.Fprintln(w)
	for _, l := range r.FirstLoad {
		fmt.Fprintf(w, "first load of %s (%s): %d files, %.1f KB transferred (bodies %.1f KB)\n",
			l.Page, l.Path, len(l.Files), float64(l.Transferred)/1000, float64(l.BodyBytes)/1000)
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(w, "error: %s\n", e)
	}
}

func formatErrors(m map[string]uint64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s×%d", k, m[k])
	}
	return strings.Join(parts, " ")
}
