package httpapi

import "github.com/gorilla/mux"

// RouterOf exposes the server's routes to the tests that walk them.
func RouterOf(s *Server) *mux.Router { return s.router }
