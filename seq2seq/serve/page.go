package serve

import (
	"embed"
	"io/fs"
	"net/http"
)

// web holds the page at / and its script and style sheet: plain files
// that need nothing from the network.
//
//go:embed web
var web embed.FS

// page serves the embedded web page, with a content security policy that
// allows only its own files.
func (s *Server) page() http.Handler {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embedded tree always has web/
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		files.ServeHTTP(w, r)
	})
}
