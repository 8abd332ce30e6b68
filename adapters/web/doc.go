// Package web is the adapter of the product's pages: the help center under /help (and,
// on the same foundation, the staff desk under /desk later). It renders HTML on the
// server with html/template from embedded templates, assets and message catalogues, and
// calls the application layer through the narrow ports of ports.go, never the JSON API
// over HTTP. docs/PAGES.md describes it: routes, catalogues, the security headers, the
// vendored assets and how to add a page.
package web
