package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/ticketengine/ticketengine/adapters/httpapi"
	"github.com/ticketengine/ticketengine/adapters/policyfile"
	"github.com/ticketengine/ticketengine/adapters/web"
	"github.com/ticketengine/ticketengine/application"
	"github.com/ticketengine/ticketengine/application/access"
	"github.com/ticketengine/ticketengine/application/attachments"
	"github.com/ticketengine/ticketengine/application/auth"
	"github.com/ticketengine/ticketengine/application/command"
	"github.com/ticketengine/ticketengine/application/erasure"
	"github.com/ticketengine/ticketengine/application/eventlog"
	"github.com/ticketengine/ticketengine/application/inbound"
	"github.com/ticketengine/ticketengine/application/lease"
	"github.com/ticketengine/ticketengine/application/policy"
	"github.com/ticketengine/ticketengine/domain"
	"github.com/ticketengine/ticketengine/projections"
)

// Service is the assembled engine.
type Service struct {
	Config Config
	// Store is the event store as every reader sees it: sealed personal fields opened
	// (erasure.OpeningStore) when there are keys.
	Store eventlog.EventStore
	// Raw is the event store's own records, sealed: for verify, export and the relay.
	Raw      eventlog.EventStore
	Commands *command.Commands
	Auth     *auth.Authenticator
	Policy   domain.SLAPolicy
	Registry *prometheus.Registry
	HTTP     http.Handler
	// ReadSide serves the projection-backed reads; nil when Config.NoReadSide.
	ReadSide *projections.Service
	Log      *slog.Logger
	// AdminTokenCreated is set when this start generated the admin token (print it once).
	AdminTokenCreated bool
	AdminToken        string
	// Keys are the customers' data keys (keys.go); nil where records are not sealed.
	Keys erasure.KeyStore
	// Secrets derives access codes and confirmation tokens from the server key.
	Secrets *auth.Secrets
	// API is the JSON API alone; HTTP is the API with the pages beside it (pages.go).
	API http.Handler
	// Attachments are the uploads (attachments.go), their files in Blobs (--blobs:
	// --data/attachments or an S3 bucket); Sweeper deletes anonymous uploads nobody attached.
	Attachments *attachments.Service
	Blobs       attachments.Blobs
	Sweeper     *attachments.Sweeper
	// Intake takes in messages that come by themselves: signed channels, mailboxes.
	Intake *inbound.Intake

	limiters limiters
	proxies  access.Proxies // --trusted-proxies, for the API and the pages alike
	sessions auth.Sessions  // the desk's (sessions.go)
	// mails and engineStaff are the notifier and the engine's agent view, for
	// useStaffAccounts once the read side exists (staff_directory.go).
	mails       *policy.Notifier
	engineStaff policy.StaffDirectory

	// leases keeps the background duties' leases where the event store is shared (nil
	// otherwise: leases.go); leaseConfig names this process in it.
	leases      lease.Store
	leaseConfig lease.Config
	leaseEpoch  *prometheus.GaugeVec
	// checkpoints keeps the policy view's checkpoint where the leases are (leases.go).
	checkpoints policy.CheckpointStore

	draining atomic.Bool // set by Drain (drain.go): /readyz answers 503
	// projector says whether this node projects the shared read models (readside_ready.go).
	projector projectorState

	// background are the tasks that write events or act outside (policies, outbox,
	// mailboxes, …); readSide the ones that project or relay the events (feedReadSide).
	// Stop ends the first before the second (background.go).
	background []func(ctx context.Context) error
	readSide   []func(ctx context.Context) error
	closers    []func() error
	writers    stage
	readers    stage
	runErr     chan error
}

// Build wires everything from the configuration. It opens stores and applies
// migrations, but starts nothing in the background until Start.
func Build(ctx context.Context, cfg Config, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Service{Config: cfg, Log: log, Registry: prometheus.NewRegistry(), runErr: make(chan error, 16)}
	s.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ok := false
	defer func() {
		if !ok {
			_ = s.Close()
		}
	}()
	pols, err := policyfile.Load(cfg.SLAPolicy)
	if err != nil {
		return nil, fmt.Errorf("--sla-policy: %w", err)
	}
	policy := pols.SLA
	s.Policy = policy
	if err := s.openSecrets(cfg); err != nil {
		return nil, err
	}
	if err := s.openStores(ctx, cfg, log); err != nil {
		return nil, err
	}
	s.Auth = auth.NewAuthenticator(s.Store, s.AdminToken)
	deps := command.Config{Store: s.Store, Clock: application.SystemClock{}, Policy: policy, Secrets: s.Secrets,
		StreamCacheSize: cfg.streamCacheSize(), Keys: s.Keys, ForgetTokens: s.Auth.Forget}
	engine, err := s.policies(deps, pols)
	if err != nil {
		return nil, err
	}
	if engine != nil {
		deps.Router = engine.Router()
	}
	s.Commands = command.NewCommands(deps)
	if engine != nil {
		engine.SetCommands(s.Commands)
	}
	if err := s.recordCalendars(ctx, cfg, policy); err != nil {
		return nil, err
	}
	if err := s.openDoors(ctx, cfg, log); err != nil {
		return nil, err
	}
	opts := httpapi.Options{Commands: s.Commands, Store: s.Store, Auth: s.Auth, Logger: log, Registry: s.Registry, Ready: s.readiness(nil),
		PortalLimiter: s.limiters.portal, OpenLimiter: s.limiters.open, UploadLimiter: s.limiters.upload, Attachments: s.Attachments, Pseudonyms: s.Secrets, Proxies: s.proxies,
		VoteLimiter: s.limiters.vote}
	if err := s.openInbound(cfg, &opts); err != nil {
		return nil, err
	}
	if !cfg.NoReadSide {
		read, err := s.buildReadSide(ctx, cfg, log)
		if err != nil {
			return nil, err
		}
		s.ReadSide = read
		s.Commands.WithReadModels(read, read)
		s.Auth.WithUsage(read)
		s.useStaffAccounts(read)
		s.detectHotIssues(read)
		opts.ReadSide = read
		opts.Ready = s.readiness(read)
	}
	if s.API, err = httpapi.New(opts); err != nil {
		return nil, err
	}
	if s.HTTP, err = s.WithPages(s.API, web.CommandCustomers{Commands: s.Commands, Attachments: s.Attachments}); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

// openSecrets derives the server's secrets from its key and reads (or makes) the admin
// token.
func (s *Service) openSecrets(cfg Config) error {
	key, err := cfg.serverKey()
	if err != nil {
		return err
	}
	if s.Secrets, err = auth.NewSecrets(key); err != nil {
		return err
	}
	if s.AdminToken, s.AdminTokenCreated, err = cfg.adminToken(); err != nil {
		return fmt.Errorf("admin token: %w", err)
	}
	return nil
}

// openStores opens the event store (instrumented), its leases and the customers' key
// store. With keys, s.Store is the opening store every reader uses and s.Raw the store as
// it is (verify, export): the log keeps only sealed personal fields.
func (s *Service) openStores(ctx context.Context, cfg Config, log *slog.Logger) error {
	store, err := OpenEventStore(ctx, cfg)
	if err != nil {
		return err
	}
	s.Store = instrumentStore(store, s.Registry)
	s.closers = append(s.closers, store.Close)
	if err := s.openLeases(ctx, cfg, store); err != nil {
		return err
	}
	keys, closeKeys, err := openKeys(ctx, cfg, s.Secrets, log)
	if err != nil {
		return err
	}
	if closeKeys != nil {
		s.closers = append(s.closers, closeKeys)
	}
	s.Keys, s.Raw = keys, s.Store
	if s.Keys != nil {
		s.Keys = erasure.NewCachedKeys(s.Keys)
		s.Store = erasure.NewOpeningStore(s.Store, s.Keys)
	}
	return nil
}

// openDoors builds what the API and the pages share at their doors: the rate limiters,
// the desk's sessions, the trusted proxies, the attachments.
func (s *Service) openDoors(ctx context.Context, cfg Config, log *slog.Logger) error {
	var err error
	if s.limiters, err = s.openLimiters(ctx, cfg, log); err != nil {
		return err
	}
	if err := s.openSessions(ctx, cfg); err != nil {
		return err
	}
	if s.proxies, err = access.ParseProxies(cfg.TrustedProxies); err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	return s.buildAttachments(ctx, cfg, log)
}

// ready reports whether the event store answers.
func (s *Service) ready(ctx context.Context) error {
	if s.Draining() {
		return ErrDraining
	}
	_, err := s.Store.ReadAll(ctx, 0, 1)
	return err
}

// Close releases the stores, in reverse order of opening.
func (s *Service) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}
