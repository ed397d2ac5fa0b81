package serve

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// limit bounds the requests answered at once (429 beyond), the body size
// and the time to answer.
func (s *Server) limit(write errorWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		default:
			write(w, http.StatusTooManyRequests, fmt.Sprintf("too many requests at once (at most %d): try again", s.opt.MaxConcurrent))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opt.MaxBodyBytes)
		ctx, cancel := context.WithTimeout(r.Context(), s.opt.Timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// cors adds the CORS headers for allowed origins and turns the handler's
// error into a response.
func (s *Server) cors(h func(http.ResponseWriter, *http.Request) error, write errorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.allowOrigin(w, r)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if err := h(w, r); err != nil {
			code, msg := status(err)
			if code >= 500 {
				s.log.Error("request failed", "path", r.URL.Path, "status", code, "err", err)
			}
			write(w, code, msg)
		}
	})
}

// allowOrigin sets Access-Control-Allow-Origin when the request's origin
// is allowed, and reports whether it is.
func (s *Server) allowOrigin(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || len(s.opt.CORSOrigins) == 0 {
		return false
	}
	w.Header().Add("Vary", "Origin")
	switch {
	case slices.Contains(s.opt.CORSOrigins, "*"):
		w.Header().Set("Access-Control-Allow-Origin", "*")
	case slices.Contains(s.opt.CORSOrigins, origin):
		w.Header().Set("Access-Control-Allow-Origin", origin)
	default:
		return false
	}
	return true
}

// preflight answers a CORS preflight request: allowed origins get the
// methods and headers, others nothing a browser accepts.
func (s *Server) preflight() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.allowOrigin(w, r) {
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, X-API-Key")
			w.Header().Set("Access-Control-Max-Age", "600")
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.code == 0 {
		sw.code = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.code == 0 {
		sw.code = http.StatusOK
	}
	return sw.ResponseWriter.Write(b)
}

// instrument counts the requests of api by status code and times them.
func (s *Server) instrument(api string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Inc()
		defer s.metrics.inFlight.Dec()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.metrics.requests.WithLabelValues(api, strconv.Itoa(max(sw.code, 200))).Inc()
		s.metrics.latency.WithLabelValues(api).Observe(time.Since(start).Seconds())
	})
}
