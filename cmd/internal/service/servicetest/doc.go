// Package servicetest is what the component tests of cmd/internal/service share: the
// whole service started on a configuration (RunService, RunningService, StartService),
// the store configurations (PostgresConfig, FreshPostgresSchema), and the HTTP client
// that holds every exchange to docs/openapi.yaml (Client). Only tests import it: the
// suites under cmd/internal/service/suites and the tests left in cmd/internal/service.
package servicetest
