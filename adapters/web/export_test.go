package web

// Renders is how many pages s has rendered (the tests count the work of a poll).
func Renders(s *Server) int64 { return s.renders.Load() }
