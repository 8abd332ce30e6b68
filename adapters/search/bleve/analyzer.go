package bleve

import (
	bv "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/ticketengine/ticketengine/projections/searchtext"
)

// The names the index mapping stores: renaming them would make an existing index
// unreadable, so they are constants.
const (
	tokenizerName = "ticketengine_searchtext"
	analyzerName  = "ticketengine_searchtext"
	fieldText     = "text"
	fieldTicket   = "ticket"
	fieldKind     = "kind"
	fieldInternal = "internal"
	fieldCreated  = "created"
)

// bleve resolves tokenizers by name from its global registry when it opens an index,
// so the tokenizer is registered once, here.
func init() {
	err := registry.RegisterTokenizer(tokenizerName, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
		return tokenizer{}, nil
	})
	if err != nil {
		panic(err)
	}
}

// tokenizer hands bleve the tokens of projections/searchtext, so that the embedded
// index holds the very tokens PostgreSQL holds.
type tokenizer struct{}

func (tokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := searchtext.Analyze(string(input))
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		// The type matters to token filters only, and this analyzer has none.
		out[i] = &analysis.Token{Term: []byte(t.Term), Start: t.Start, End: t.End, Position: i + 1, Type: analysis.AlphaNumeric}
	}
	return out
}

// indexMapping is the one document type: a message. Only what a query or a hit reads is
// kept (docs/SEARCH.md "What the embedded index keeps"): the text, analyzed, without term
// vectors (snippets come from searchtext.Snippet, not from bleve's highlighter) and
// stored for them; the ticket id, whole and stored for hits; the internal flag, indexed
// for the public-only filter. None has doc values (nothing sorts or facets on a field:
// hits sort by score and id), and kind and created, which no query reads, are not
// indexed (the mapping keeps their names, so an index made before stays readable).
func indexMapping() (mapping.IndexMapping, error) {
	m := bv.NewIndexMapping()
	err := m.AddCustomAnalyzer(analyzerName, map[string]interface{}{"type": custom.Name, "tokenizer": tokenizerName})
	if err != nil {
		return nil, err
	}
	text := bv.NewTextFieldMapping()
	text.Analyzer, text.Store, text.IncludeInAll, text.IncludeTermVectors, text.DocValues = analyzerName, true, false, false, false
	ticket := bv.NewKeywordFieldMapping()
	ticket.IncludeInAll, ticket.IncludeTermVectors, ticket.DocValues = false, false, false
	ticket.SkipFreqNorm = true // matched whole, never scored
	kind := bv.NewKeywordFieldMapping()
	kind.Index, kind.Store, kind.IncludeInAll, kind.IncludeTermVectors, kind.DocValues = false, false, false, false, false
	internal := bv.NewBooleanFieldMapping()
	internal.Store, internal.IncludeInAll, internal.DocValues = false, false, false
	internal.SkipFreqNorm = true
	created := bv.NewDateTimeFieldMapping()
	created.Index, created.Store, created.IncludeInAll, created.DocValues = false, false, false, false

	doc := bv.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text)
	doc.AddFieldMappingsAt(fieldTicket, ticket)
	doc.AddFieldMappingsAt(fieldKind, kind)
	doc.AddFieldMappingsAt(fieldInternal, internal)
	doc.AddFieldMappingsAt(fieldCreated, created)
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerName
	m.StoreDynamic, m.IndexDynamic, m.DocValuesDynamic = false, false, false
	return m, nil
}
