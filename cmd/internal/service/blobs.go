package service

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/ticketengine/ticketengine/adapters/blobstore/files"
	"github.com/ticketengine/ticketengine/adapters/blobstore/s3blob"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// OpenBlobs opens the attachments' files as --blobs says: files under --data/attachments
// (one machine's disk: only one ticketd, or ticketctl beside it, can serve them), or an
// S3-compatible bucket every node of a deployment shares (docs/SCALING.md). ticketd and
// ticketctl (verify, export --files, import --files) open the same.
func OpenBlobs(ctx context.Context, cfg Config) (attachments.Blobs, error) {
	if cfg.Attachments.Blobs == "" {
		blobs, err := files.Open(filepath.Join(cfg.Data, "attachments"))
		if err != nil {
			return nil, fmt.Errorf("--data: %w", err)
		}
		return blobs, nil
	}
	s3cfg, err := cfg.Attachments.s3Config()
	if err != nil {
		return nil, fmt.Errorf("--blobs: %w", err)
	}
	blobs, err := s3blob.Open(ctx, s3cfg)
	if err != nil {
		return nil, fmt.Errorf("--blobs: %w", err)
	}
	return blobs, nil
}

// s3Config is --blobs as an S3 bucket, with the keys from the environment when the URL
// has none.
func (a AttachmentConfig) s3Config() (s3blob.Config, error) {
	c, err := s3blob.ParseURL(a.Blobs)
	if err != nil {
		return c, err
	}
	if c.AccessKey == "" && c.SecretKey == "" {
		c.AccessKey, c.SecretKey = a.S3AccessKey, a.S3SecretKey
	}
	return c, c.Validate()
}
