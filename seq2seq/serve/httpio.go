package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// apiError is an error answered with its status and message.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// badRequest returns a 400 error.
func badRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// errorWriter writes an error the way one API does.
type errorWriter func(w http.ResponseWriter, status int, msg string)

// writeLibreError writes {"error": msg}, as LibreTranslate does.
func writeLibreError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeONMTError writes {"error": msg, "status": "error"}, as OpenNMT-py's
// server does.
func writeONMTError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg, "status": "error"})
}

// writeJSON writes v as the JSON response, without HTML escaping (the
// content type is JSON: a browser does not run it).
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// status returns the HTTP status and message of a handler's error.
func status(err error) (int, string) {
	var ae *apiError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae.status, ae.msg
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf("request body too large: at most %d bytes", mbe.Limit)
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "translation timed out: try fewer or shorter sentences"
	case errors.Is(err, errClosed):
		return http.StatusServiceUnavailable, errClosed.Error()
	case errors.Is(err, context.Canceled):
		return 499, "request canceled" // the client is gone: nobody reads this
	}
	return http.StatusInternalServerError, "internal error: " + err.Error()
}

// readBody reads the request body, which must be valid UTF-8.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, err
		}
		return nil, badRequest("read request body: %v", err)
	}
	if !utf8.Valid(body) {
		return nil, badRequest("request body is not valid UTF-8")
	}
	return body, nil
}

// decodeJSON decodes body into v, with a message that says what is wrong.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return badRequest("invalid JSON: field %q must be %s, not %s", te.Field, te.Type, te.Value)
		}
		return badRequest("invalid JSON: %v", err)
	}
	if dec.More() {
		return badRequest("invalid JSON: more than one value in the body")
	}
	return nil
}

// isJSON reports whether a request body is JSON: by its content type, or
// without one or for a urlencoded form, by its first character (a form
// cannot start with "{" or "[" as a field name).
func isJSON(r *http.Request, body []byte) bool {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		return true
	case "", "application/x-www-form-urlencoded":
		// curl -d sends JSON as a form: a body that starts like JSON is read as JSON.
		b := bytes.TrimSpace(body)
		return len(b) > 0 && (b[0] == '{' || b[0] == '[')
	}
	return strings.HasSuffix(ct, "+json")
}

// parseForm reads a form-encoded (urlencoded or multipart) body, whose
// values must be valid UTF-8, together with the query's values.
func parseForm(r *http.Request, body []byte, maxBytes int64) (url.Values, error) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxBytes)
	} else {
		if ct == "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		err = r.ParseForm()
	}
	if err != nil {
		return nil, badRequest("invalid form: %v", err)
	}
	for k, vs := range r.Form {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, badRequest("form field %q is not valid UTF-8", k)
			}
		}
	}
	return r.Form, nil
}

// headerKey returns the API key of the request's Authorization (Bearer),
// X-API-Key header or api_key query parameter, or "".
func headerKey(r *http.Request) string {
	if k, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(k)
	}
	if k := r.Header.Get("X-API-Key"); k != "" {
		return k
	}
	return r.URL.Query().Get("api_key")
}

// authorize checks the API key, when keys are configured.
func (s *Server) authorize(key string) error {
	if len(s.keys) == 0 || s.keys[key] {
		return nil
	}
	if key == "" {
		return &apiError{status: http.StatusForbidden, msg: "Invalid API key: this server needs one (api_key)"}
	}
	return &apiError{status: http.StatusForbidden, msg: "Invalid API key"}
}
