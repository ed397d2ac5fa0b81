package serve_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/serve"
)

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// apiCase is one request and its golden response.
type apiCase struct {
	name, method, path, contentType, body string
	header                                map[string]string
	status                                int
}

// TestAPIs checks each API's answers, to requests shaped as their clients
// send them, against golden files.
func TestAPIs(t *testing.T) {
	ts := newTestServer(t, testModels(nil), nil)
	tests := []apiCase{
		// libretranslatepy (LibreTranslate-py, libretranslatepy/api.py): urllib
		// posts a urlencoded form, q, source and target for translate, q for
		// detect, api_key only when one is given; languages is a GET.
		{"libretranslatepy_translate", "POST", "/translate", formType, "q=ein+Mann+f%C3%A4hrt+Fahrrad+.&source=de&target=en", nil, 200},
		{"libretranslatepy_detect", "POST", "/detect", formType, "q=ein+Mann+f%C3%A4hrt+Fahrrad", nil, 200},
		{"libretranslatepy_languages", "GET", "/languages", "", "", nil, 200},
		// LibreTranslate's documented fetch example: JSON with format, alternatives and api_key.
		{"libre_docs_json_auto", "POST", "/translate", jsonType, `{"q":"a man rides a bike .","source":"auto","target":"de","format":"text","alternatives":3,"api_key":""}`, nil, 200},
		// The libretranslate npm package (1.0.1, src/translate.ts): JSON
		// {q, source, target, format: format || "text", apiKey: apiKey || ""},
		// then reads translatedText.
		{"libre_npm_apikey", "POST", "/translate", jsonType, `{"q":"ein Hund","source":"de","target":"en","format":"text","apiKey":""}`, nil, 200},
		// LibreTranslate's own API tests (libretranslate/tests/test_api/
		// test_api_translate.py): a q array with alternatives gets one list
		// of alternatives per text, and form bodies name one q.
		{"libre_array", "POST", "/translate", jsonType, `{"q":["ein Mann","","a dog"],"source":"auto","target":"en","alternatives":"1"}`, nil, 200},
		{"libre_array_alternatives", "POST", "/translate", jsonType, `{"q":["ein Mann","ein Hund"],"source":"de","target":"en","alternatives":2}`, nil, 200},
		{"libre_form_format", "POST", "/translate", formType, "q=ein+Hund&source=de&target=en&format=text", nil, 200},
		{"libre_multiline", "POST", "/translate", jsonType, `{"q":"ein Mann\nein Hund","source":"de","target":"en"}`, nil, 200},
		{"libre_markup_is_text", "POST", "/translate", jsonType, `{"q":"<script>alert(1)</script> ein","source":"de","target":"en"}`, nil, 200},
		{"libre_curl_json_as_form", "POST", "/translate", formType, `{"q":"ein Mann","source":"de","target":"en"}`, nil, 200},
		// OpenNMT-py's REST server (onmt/bin/server.py, translate): a JSON
		// list of {"src", "id"}, answered with one list per n-best rank of
		// {"src", "tgt", "n_best", "pred_score", "align"}; a request goes to
		// the model of its first item, 0 without an id
		// (onmt/translate/translation_server.py, TranslationServer.run).
		{"opennmt_translate", "POST", "/translator/translate", jsonType, `[{"src":"ein Mann fährt","id":0},{"src":"a dog","id":1}]`, nil, 200},
		{"opennmt_no_id", "POST", "/translator/translate", jsonType, `[{"src":"ein Mann fährt"}]`, nil, 200},
		// ServerModel.to_dict: model_id, opt, models, loaded, timeout.
		{"opennmt_models", "GET", "/translator/models", "", "", nil, 200},
		{"opennmt_health", "GET", "/translator/health", "", "", nil, 200},
		{"v1_translate", "POST", "/v1/translate", jsonType, `{"source":"de","target":"en","sentences":["ein Mann fährt",""],"n_best":2}`, nil, 200},
		{"health", "GET", "/health", "", "", nil, 200},
	}
	runCases(t, ts, tests)
}

// TestBadInput checks that bad requests get a clear 4xx and the server
// goes on answering.
func TestBadInput(t *testing.T) {
	ts := newTestServer(t, testModels(nil), func(o *serve.Options) {
		o.Translate.MaxTokens = 20
	})
	many := `{"q":[` + strings.Repeat(`"ein",`, 9999) + `"ein"],"source":"de","target":"en"}`
	manyONMT := "[" + strings.Repeat(`{"src":"ein","id":0},`, 9999) + `{"src":"ein","id":0}]`
	long := strings.Repeat("ein ", 21)
	tests := []apiCase{
		{"bad_invalid_json", "POST", "/translate", jsonType, `{"q": "ein",`, nil, 400},
		{"bad_missing_q", "POST", "/translate", jsonType, `{"source":"de","target":"en"}`, nil, 400},
		{"bad_q_type", "POST", "/translate", jsonType, `{"q":3,"source":"de","target":"en"}`, nil, 400},
		{"bad_missing_target", "POST", "/translate", jsonType, `{"q":"ein","source":"de"}`, nil, 400},
		{"bad_unknown_pair", "POST", "/translate", jsonType, `{"q":"ein","source":"de","target":"fr"}`, nil, 400},
		{"bad_auto_unknown_target", "POST", "/translate", jsonType, `{"q":"ein","source":"auto","target":"fr"}`, nil, 400},
		// The errors of LibreTranslate's own API tests (test_api_translate.py).
		{"bad_unsupported_language", "POST", "/translate", formType, "q=Hello&source=en&target=zz&format=text", nil, 400},
		{"bad_format", "POST", "/translate", formType, "q=Hello&source=en&target=de&format=xml", nil, 400},
		{"bad_alternatives_not_number", "POST", "/translate", formType, "q=Hello&source=en&target=de&alternatives=abc", nil, 400},
		{"bad_json_not_object", "POST", "/translate", jsonType, `["not","a","dict"]`, nil, 400},
		{"bad_empty_batch", "POST", "/translate", jsonType, `{"q":[],"source":"en","target":"de"}`, nil, 400},
		{"bad_html", "POST", "/translate", jsonType, `{"q":"<b>ein</b>","source":"de","target":"en","format":"html"}`, nil, 400},
		{"bad_alternatives", "POST", "/translate", jsonType, `{"q":"ein","source":"de","target":"en","alternatives":9}`, nil, 400},
		{"bad_oversized", "POST", "/translate", jsonType, `{"q":"` + strings.Repeat("x", 1<<20) + `","source":"de","target":"en"}`, nil, 413},
		{"bad_utf8_json", "POST", "/translate", jsonType, "{\"q\":\"ein \xff\",\"source\":\"de\",\"target\":\"en\"}", nil, 400},
		{"bad_utf8_form", "POST", "/translate", formType, "q=ein%FF&source=de&target=en", nil, 400},
		{"bad_10000_sentences", "POST", "/translate", jsonType, many, nil, 400},
		{"bad_too_many_tokens", "POST", "/translate", jsonType, `{"q":"` + long + `","source":"de","target":"en"}`, nil, 400},
		{"bad_onmt_invalid_json", "POST", "/translator/translate", jsonType, `[{"src":`, nil, 400},
		{"bad_onmt_missing_src", "POST", "/translator/translate", jsonType, `[{"id":0}]`, nil, 400},
		{"bad_onmt_unknown_id", "POST", "/translator/translate", jsonType, `[{"src":"ein","id":7}]`, nil, 400},
		{"bad_onmt_id_type", "POST", "/translator/translate", jsonType, `[{"src":"ein","id":"zero"}]`, nil, 400},
		{"bad_onmt_10000_sentences", "POST", "/translator/translate", jsonType, manyONMT, nil, 400},
		{"bad_v1_missing_sentences", "POST", "/v1/translate", jsonType, `{"source":"de","target":"en"}`, nil, 400},
		{"bad_v1_line_break", "POST", "/v1/translate", jsonType, `{"source":"de","target":"en","sentences":["ein\nMann"]}`, nil, 400},
		{"bad_v1_n_best", "POST", "/v1/translate", jsonType, `{"source":"de","target":"en","sentences":["ein"],"n_best":6}`, nil, 400},
		{"bad_method", "GET", "/translate", "", "", nil, 405},
	}
	runCases(t, ts, tests)
	// Still answering.
	if code, body := do(t, ts, "POST", "/translate", jsonType, `{"q":"ein Mann","source":"de","target":"en"}`, nil); code != 200 {
		t.Errorf("after the bad requests: %d %s", code, body)
	}
}

func runCases(t *testing.T, srv *httptest.Server, tests []apiCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, srv, tt.method, tt.path, tt.contentType, tt.body, tt.header)
			if code != tt.status {
				t.Errorf("status %d, want %d: %s", code, tt.status, body)
			}
			golden(t, tt.name, fmt.Sprintf("%s %s\n%d %s\n%s", tt.method, tt.path, code, http.StatusText(code), body))
		})
	}
}
