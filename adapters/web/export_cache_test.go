package web

import "time"

// SetQueueClock sets the clock by which s ages its kept queue pages (desk_queue_cache.go).
func SetQueueClock(s *Server, now func() time.Time) { s.queueCache.now = now }

// KeptPageBytes is the bytes of whole queue pages s keeps.
func KeptPageBytes(s *Server) int64 { return s.queueCache.kept.Load() }
