package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ticketengine/ticketengine/application/backup"
	"github.com/ticketengine/ticketengine/application/eventlog"
)

func runReplay(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("replay")
	asJSON := fs.Bool("json", false, "one JSON object per line: the event and the ticket after it")
	asOfFlag := fs.String("as-of", "", "stop at this `time` (RFC 3339): the ticket as GET /tickets/{id}?as_of= shows it")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("replay takes one ticket id or number")
	}
	asOf, err := parseTime("as-of", *asOfFlag)
	if err != nil {
		return err
	}
	return c.withOpenedStore(ctx, func(store eventlog.EventStore) error {
		id, err := resolveTicket(ctx, store, fs.Arg(0))
		if err != nil {
			return err
		}
		return replayTicket(ctx, store, id, asOf, *asJSON, c.stdout)
	})
}

func runVerify(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("verify")
	ticket := fs.String("ticket", "", "verify only this ticket (`id or number`)")
	heads := fs.Bool("heads", false, "print every stream's head and their SHA-256 digest, for an auditor to keep")
	expect := fs.String("expect-heads", "", "compare with a heads listing kept earlier (`file`)")
	expectDigest := fs.String("expect-digest", "", "with --expect-heads: the `digest` kept apart from the listing; a listing with another digest is refused")
	workers := fs.Int("workers", 0, "hashing workers (0: one per CPU)")
	asJSON := fs.Bool("json", false, "problems as JSON lines: position, stream, version, event_id, problem")
	streams := fs.Bool("streams", false, "also read every stream on its own, as commands do, and check it is the one verified")
	withFiles := fs.Bool("files", true, "also check every attachment's file (in --data/attachments, or the --blobs bucket) against its event (the whole store only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("verify takes no arguments")
	}
	if *expectDigest != "" && *expect == "" {
		return usagef("--expect-digest needs --expect-heads")
	}
	opt := verifyOptions{Workers: *workers}
	if *expect != "" {
		kept, digest, err := readHeadsFile(*expect)
		if err != nil {
			return err
		}
		if want := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(*expectDigest)), "sha256:"); want != "" && want != digest {
			return fmt.Errorf("the listing's digest %s is not the kept digest %s: the listing was replaced", digest, want)
		}
		opt.Expect = kept
		fmt.Fprintf(c.stderr, "comparing with %d kept heads, digest sha256 %s\n", len(kept), digest)
	}
	return c.withStore(ctx, func(store eventlog.EventStore) error {
		if *ticket != "" {
			id, err := resolveTicket(ctx, store, *ticket)
			if err != nil {
				return err
			}
			opt.Ticket = id
		}
		prog := c.newProgress("verify")
		rep, err := verifyStore(ctx, store, opt, prog)
		prog.finish()
		if err != nil {
			return err
		}
		if *streams {
			more, err := checkStreams(ctx, store, rep.Heads, opt.Workers)
			if err != nil {
				return err
			}
			rep.Problems = append(rep.Problems, more...)
		}
		if *withFiles && *ticket == "" {
			if err := c.verifyFiles(ctx, store, &rep); err != nil {
				return err
			}
		}
		return c.reportVerify(rep, *heads, *asJSON)
	})
}

// reportVerify prints the findings (stdout), the heads when asked and the verdict
// (stderr). A store with problems gets no heads listing: nobody should keep it.
func (c *cli) reportVerify(rep verifyReport, heads, asJSON bool) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	for _, p := range rep.Problems {
		if asJSON {
			if err := enc.Encode(p); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintln(c.stdout, p)
	}
	if !rep.OK() {
		fmt.Fprintf(c.stderr, "verify: %d events read, %d problems: the history was altered\n", rep.Events, len(rep.Problems))
		return errProblems
	}
	if heads {
		digest, err := writeHeads(c.stdout, rep.Heads)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "heads digest sha256 %s\n", digest)
	}
	fmt.Fprintf(c.stderr, "verify: %d events in %d streams: every hash chain verifies\n", rep.Events, len(rep.Heads))
	return nil
}

func readHeadsFile(path string) (map[string]head, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	return readHeads(f)
}

func runExport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("export")
	from := fs.String("from", "", "only events that occurred at or after this `time`")
	to := fs.String("to", "", "only events that occurred before this `time`")
	ticket := fs.String("ticket", "", "only this ticket's events (`id or number`)")
	out := fs.String("out", "", "write to this `file` (written whole or not at all) instead of stdout")
	filesDir := fs.String("files", "", "also copy every attachment's file into this `directory` (checked against its event)")
	if err := parse(fs, args); err != nil {
		return err
	}
	var f backup.Filter
	var err error
	if f.From, err = parseTime("from", *from); err != nil {
		return err
	}
	if f.To, err = parseTime("to", *to); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("export takes no arguments")
	}
	return c.withStore(ctx, func(store eventlog.EventStore) error {
		if *ticket != "" {
			if f.Ticket, err = resolveTicket(ctx, store, *ticket); err != nil {
				return err
			}
		}
		return writeOutput(*out, c.stdout, func(w io.Writer) error {
			prog := c.newProgress("export")
			f.Progress = prog.add
			n, err := backup.Export(ctx, store, f, w)
			prog.finish()
			if err == nil {
				fmt.Fprintf(c.stderr, "export: %d events written\n", n)
			}
			if err == nil && *filesDir != "" {
				err = c.copyFiles(ctx, store, *filesDir, true)
			}
			return err
		})
	})
}

// writeOutput runs write on stdout, or on a temporary file renamed to path once complete,
// so a failed export never leaves a file that looks whole.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.part")
	if err != nil {
		return err
	}
	err = write(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	err = errors.Join(err, tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func runImport(ctx context.Context, c *cli, args []string) error {
	fs := c.flags("import")
	in := fs.String("in", "", "read this `file` instead of stdin")
	filesDir := fs.String("files", "", "also copy the attachments' files from this `directory` (an export's --files) into --data/attachments (or the --blobs bucket), each checked against its event")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("import takes no arguments")
	}
	src, cleanup, err := seekableInput(*in, c.stdin)
	if err != nil {
		return err
	}
	defer cleanup()
	return c.withNewStore(ctx, func(store eventlog.EventStore) error {
		prog := c.newProgress("import")
		n, err := backup.ImportWithProgress(ctx, store, src, prog.add)
		prog.finish()
		if err == nil {
			fmt.Fprintf(c.stderr, "import: %d events imported\n", n)
		}
		if err == nil && *filesDir != "" {
			err = c.copyFiles(ctx, store, *filesDir, false)
		}
		return err
	})
}

// seekableInput opens the file, or makes stdin re-readable: import reads its input twice
// (verify everything, then append), and a pipe can be read once, so it is spooled to a
// temporary file first.
func seekableInput(path string, stdin io.Reader) (io.ReadSeeker, func(), error) {
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.Close() }, nil
	}
	if f, ok := stdin.(*os.File); ok {
		if _, err := f.Seek(0, io.SeekCurrent); err == nil {
			return f, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "ticketctl-import-*.jsonl")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, stdin); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("read stdin: %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, err
	}
	return tmp, cleanup, nil
}
