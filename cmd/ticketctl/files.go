package main

import (
	"context"
	"fmt"

	"github.com/ticketengine/ticketengine/adapters/blobstore/files"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/cmd/internal/service"
)

// The attachments' files (docs/API-NOTES.md "Attachments"): kept where --blobs says,
// under --data/attachments or in an S3 bucket, as ticketd keeps them. verify checks each
// against its upload's event; export --files and import --files carry them beside the
// events, in the files store's layout.

// dataFiles is the files ticketd keeps (--blobs).
func (c *cli) dataFiles(ctx context.Context) (attachments.Blobs, error) {
	return service.OpenBlobs(ctx, c.cfg)
}

// verifyFiles adds a finding for every upload whose file is missing or altered.
func (c *cli) verifyFiles(ctx context.Context, store eventlog.EventStore, rep *verifyReport) error {
	live, err := attachments.Live(ctx, store)
	if err != nil || len(live) == 0 {
		return err
	}
	blobs, err := c.dataFiles(ctx)
	if err != nil {
		return err
	}
	problems, err := attachments.VerifyFiles(ctx, live, blobs)
	if err != nil {
		return err
	}
	for _, p := range problems {
		rep.Problems = append(rep.Problems, finding{ChainProblem: eventlog.ChainProblem{
			Stream: attachments.Stream(p.Upload.ID), Version: 0, Problem: p.Problem + " (" + p.Upload.SHA256 + ")"}})
	}
	if len(problems) == 0 {
		fmt.Fprintf(c.stderr, "verify: %d attachment files match their events\n", len(live))
	}
	return nil
}

// copyFiles copies every live upload's file between the data directory and dir.
func (c *cli) copyFiles(ctx context.Context, store eventlog.EventStore, dir string, out bool) error {
	live, err := attachments.Live(ctx, store)
	if err != nil {
		return err
	}
	data, err := c.dataFiles(ctx)
	if err != nil {
		return err
	}
	other, err := files.Open(dir)
	if err != nil {
		return err
	}
	from, to := data, attachments.Blobs(other)
	if !out {
		from, to = to, from
	}
	n, err := attachments.CopyFiles(ctx, live, from, to)
	if err != nil {
		return fmt.Errorf("attachment files: %w", err)
	}
	fmt.Fprintf(c.stderr, "%d attachment files copied\n", n)
	return nil
}
