// Package knowledge holds the knowledge base's component tests (docs/KNOWLEDGE.md): the
// articles through the whole HTTP API on bleve and on PostgreSQL (TestKnowledgeBase*), and
// the acceptance corpus of 1,000 resolved tickets and 100 articles (TestKnowledgeCorpus*).
// Only its tests have code; they run the service of cmd/internal/service through
// cmd/internal/service/servicetest.
package knowledge
