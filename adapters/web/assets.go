package web

import (
	"embed"
	"io/fs"
	"net/http"
)

// assets are the files pages load: the style sheet, the small script of our own, and the
// vendored libraries (docs/PAGES.md "Vendored assets" lists versions and licences).
// Their names carry versions, so they are cached for a long time.
//
//go:embed assets
var assetFiles embed.FS

func assetHandler() http.Handler {
	sub, err := fs.Sub(assetFiles, "assets")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	files := http.StripPrefix("/help/assets/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
