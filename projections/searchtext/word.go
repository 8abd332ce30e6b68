package searchtext

// Word is one non-CJK word as the analyzer indexes it: lower-cased, full-width letters
// read as ASCII, and stemmed when it is ASCII letters only (invoices → invoic). The
// hot-issue terms (projections/hotterms) count English words the way search finds them.
func Word(w string) string { return normalize(w) }
