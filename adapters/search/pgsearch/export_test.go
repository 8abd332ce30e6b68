package pgsearch

// SearchSQL is the query Search runs, for the test that explains it.
const SearchSQL = searchSQL
