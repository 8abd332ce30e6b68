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

// indexMapping is the one document type: a message. Only the text is analyzed; the
// ticket id and kind are kept whole; text and ticket are stored for hits and snippets.
func indexMapping() (mapping.IndexMapping, error) {
	m := bv.NewIndexMapping()
	err := m.AddCustomAnalyzer(analyzerName, map[string]interface{}{"type": custom.Name, "tokenizer": tokenizerName})
	if err != nil {
		return nil, err
	}
	text := bv.NewTextFieldMapping()
	text.Analyzer, text.Store, text.IncludeInAll, text.IncludeTermVectors = analyzerName, true, false, false
	ticket := bv.NewKeywordFieldMapping()
	ticket.IncludeInAll = false
	kind := bv.NewKeywordFieldMapping()
	kind.Store, kind.IncludeInAll = false, false
	internal := bv.NewBooleanFieldMapping()
	internal.Store, internal.IncludeInAll = false, false
	created := bv.NewDateTimeFieldMapping()
	created.Store, created.IncludeInAll = false, false

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
