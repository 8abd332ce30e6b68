// Package webtest_test drives the help center (adapters/web) in headless Chromium with
// chromedp, against the engine as ticketd builds it (cmd/internal/service). Without
// Chromium the tests skip, and fail when CI=true. testdata holds axe-core, for the
// accessibility check only: the product never serves it.
package webtest_test
