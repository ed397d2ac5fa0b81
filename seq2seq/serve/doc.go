// Package serve is the translation server behind "nmt serve": HTTP
// handlers for three APIs over one internal request type, a dynamic
// batching queue per model, request limits, API keys, CORS, Prometheus
// metrics and a self-contained web page that shows the attention.
//
// # APIs
//
//   - LibreTranslate: POST /translate (q a string or an array, source a
//     code or "auto", target, format "text", alternatives, api_key or
//     apiKey; JSON or form-encoded), GET /languages, POST /detect. Errors
//     are {"error": "..."} with status 400, 403, 413, 429, 500 or 503.
//   - OpenNMT-py's REST server: POST /translator/translate with
//     [{"src": "...", "id": N}] where N is a model id of
//     GET /translator/models, answered [[{"src", "tgt", "n_best",
//     "pred_score", "align"}]] (one inner list per n-best rank); GET
//     /translator/health. Errors are {"error": "...", "status": "error"}.
//   - Its own: POST /v1/translate with {"source", "target", "sentences",
//     "n_best"} answered with the n-best translations, their scores, the
//     word-level attention matrix of the best one (the JSON object of
//     "nmt align -f json") and its hard alignment (Pharaoh links).
//
// GET / is the web page, GET /health the server's health and GET /metrics
// the Prometheus metrics.
//
// Every request becomes a Request: a model (source and target language),
// sentences, an n-best size and whether the attention is returned.
// The sentences of the requests for one model wait in its queue. Whenever
// sentences wait and one of its Options.Workers decoding slots is free, a
// batcher starts a batch on it (translate.Translator.TranslateLines) with
// its share of the sentences: those waiting and those being decoded
// divided evenly over the slots, at most Options.MaxBatch, so that
// concurrent requests share the decoder's batches and every slot decodes.
// Sentences that came to an idle server wait at most Options.BatchWait
// after each request for the next; those that came while every slot was
// busy start the moment one frees. The attention is kept only for
// batches with a request that returns it.
//
// A model may be an ensemble: ParseModelSpec reads the --model of
// "nmt serve", [PAIR=]MEMBER[+MEMBER...].
//
// A source of "auto" is detected per sentence with package langid, among
// the languages that have a model into the target.
package serve
