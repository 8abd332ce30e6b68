package httpapi

import "github.com/gorilla/mux"

// RouteAction exposes routeAction to the external tests.
type RouteAction = routeAction

// RouteActions returns the routes the server registered with their actions.
func RouteActions(s *Server) []RouteAction { return s.routeActions }

// MuxRoutes lists "METHOD path" of every route of the server's router.
func MuxRoutes(s *Server) []string {
	var out []string
	_ = s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, _ := route.GetPathTemplate()
		methods, _ := route.GetMethods()
		for _, m := range methods {
			out = append(out, m+" "+path)
		}
		return nil
	})
	return out
}
