// Package hotissues holds the hot-issue detector's component tests (docs/HOT-ISSUES.md):
// a burst on two nodes on PostgreSQL with a restart, its mails and webhook
// (TestHotIssueBurstOnTwoNodesAndARestart), and GET /reports/hot over HTTP
// (TestHotReportOverHTTP). Only its tests have code.
package hotissues
