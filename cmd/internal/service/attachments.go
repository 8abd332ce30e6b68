package service

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/attachments"
)

// AttachmentConfig configures uploads (docs/API-NOTES.md "Attachments").
type AttachmentConfig struct {
	// MaxMiB bounds one file (--attachment-max-mib / TICKETS_ATTACHMENT_MAX_MIB); 0 is 25.
	MaxMiB int
	// Types is the allow-list of sniffed media types (--attachment-types /
	// TICKETS_ATTACHMENT_TYPES, comma-separated); nil is attachments.DefaultTypes.
	Types []string
	// Clock tells the time to the uploads' retention (tests move it); nil is the wall clock.
	Clock application.Clock
	// Blobs is where the files are (--blobs / TICKETS_BLOBS): "" is --data/attachments;
	// s3://[KEY:SECRET@]BUCKET[/PREFIX]?endpoint=…&region=… a bucket every node shares
	// (blobs.go).
	Blobs string
	// S3AccessKey and S3SecretKey sign the requests to the bucket when --blobs holds no
	// keys (TICKETS_S3_ACCESS_KEY, TICKETS_S3_SECRET_KEY: environment only).
	S3AccessKey, S3SecretKey string
}

// sweepEvery is how often unclaimed anonymous uploads are looked for.
const sweepEvery = 10 * time.Minute

func (a *AttachmentConfig) registerFlags(fs *flag.FlagSet, env func(name, def string) string) {
	a.MaxMiB, _ = strconv.Atoi(env("TICKETS_ATTACHMENT_MAX_MIB", "0"))
	fs.Func("attachment-max-mib", "largest attachment, in `MiB` (default 25) [TICKETS_ATTACHMENT_MAX_MIB]", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("%q is not a number of MiB (1 or more)", v)
		}
		a.MaxMiB = n
		return nil
	})
	fs.StringVar(&a.Blobs, "blobs", env("TICKETS_BLOBS", ""), "where attachment files are: empty = --data/attachments; s3://BUCKET[/PREFIX]?endpoint=http://host:port&region=… (an S3-compatible bucket every node shares; keys from TICKETS_S3_ACCESS_KEY, TICKETS_S3_SECRET_KEY) [TICKETS_BLOBS]")
	a.S3AccessKey, a.S3SecretKey = env("TICKETS_S3_ACCESS_KEY", ""), env("TICKETS_S3_SECRET_KEY", "")
	if v := env("TICKETS_ATTACHMENT_TYPES", ""); v != "" {
		a.Types = splitList(v)
	}
	fs.Func("attachment-types", "comma-separated media `types` an attachment may be, told from its content (default: images, PDF, text, CSV, office documents; docs/API-NOTES.md) [TICKETS_ATTACHMENT_TYPES]", func(v string) error {
		a.Types = splitList(v)
		return attachments.CheckTypes(a.Types)
	})
}

func (a AttachmentConfig) validate() error {
	if a.MaxMiB < 0 {
		return fmt.Errorf("--attachment-max-mib: %d is not 1 or more", a.MaxMiB)
	}
	if err := attachments.CheckTypes(a.Types); err != nil {
		return fmt.Errorf("--attachment-types: %w", err)
	}
	if a.Blobs != "" {
		if _, err := a.s3Config(); err != nil {
			return fmt.Errorf("--blobs: %w", err)
		}
	}
	return nil
}

// buildAttachments opens the files (--blobs: under --data/attachments, or in an S3
// bucket every node shares; blobs.go). The sweeper of unclaimed anonymous uploads runs in
// the background.
func (s *Service) buildAttachments(ctx context.Context, cfg Config, log *slog.Logger) error {
	blobs, err := OpenBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	clock := cfg.Attachments.Clock
	if clock == nil {
		clock = application.SystemClock{}
	}
	s.Attachments, err = attachments.New(attachments.Config{Store: s.Store, Blobs: blobs, Clock: clock,
		MaxSize: int64(cfg.Attachments.MaxMiB) << 20, Types: cfg.Attachments.Types, Keys: s.Keys})
	if err != nil {
		return err
	}
	s.Blobs = blobs
	s.Sweeper = attachments.NewSweeper(s.Attachments)
	s.Commands.EraseCustomer = s.Commands.EraseCustomer.WithFiles(s.Sweeper)
	s.background = append(s.background, func(ctx context.Context) error {
		return s.Sweeper.Run(ctx, sweepEvery, func(err error) {
			log.Warn("attachment sweep", slog.Any("err", err))
		})
	})
	return nil
}
