package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/safetensors"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/serve"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
)

// TestServeGracefulShutdown cancels the server while a request is being
// answered: the request finishes, then the server stops listening.
func TestServeGracefulShutdown(t *testing.T) {
	tok := translatetest.New([]string{"ein", "Mann"}, false)
	dec := slowDecoder{&searchtest.Copy{V: tok.VocabSize(), Reverse: true}, 150 * time.Millisecond} // 3 steps
	srv, err := serve.New([]*serve.Model{{Name: "test", Source: "de", Target: "en", Decoder: dec, Src: tok, Tgt: tok}}, serve.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- serveUntilDone(ctx, srv, ln, 5*time.Second, slog.New(slog.DiscardHandler)) }()

	url := "http://" + ln.Addr().String()
	answer := make(chan string, 1)
	go func() {
		resp, err := http.Post(url+"/translate", "application/json", strings.NewReader(`{"q":"ein Mann","source":"de","target":"en"}`))
		if err != nil {
			answer <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answer <- resp.Status + " " + string(b)
	}()
	time.Sleep(150 * time.Millisecond) // the request is being decoded
	cancel()
	if got, want := <-answer, `200 OK {"translatedText":"Mann ein"}`; strings.TrimSpace(got) != want {
		t.Errorf("request in flight at shutdown: %q, want %q", got, want)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serveUntilDone: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server still running 5 s after the shutdown")
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("still accepting connections after the shutdown")
	}
}

func TestReadAPIKeys(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.txt")
	if err := os.WriteFile(path, []byte("# team keys\nk1\n\n  k2  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := readAPIKeys(path)
	if err != nil || !slices.Equal(keys, []string{"k1", "k2"}) {
		t.Errorf("readAPIKeys = %v, %v; want [k1 k2]", keys, err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("# none yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readAPIKeys(empty); err == nil || !strings.Contains(err.Error(), "no key") {
		t.Errorf("readAPIKeys of a file without keys: %v", err)
	}
	if _, err := readAPIKeys(filepath.Join(dir, "missing")); err == nil {
		t.Error("readAPIKeys of a missing file: no error")
	}
}

func TestTrainedPair(t *testing.T) {
	tests := []struct {
		meta map[string]string
		want string
	}{
		{map[string]string{"train_config": `{"data":{"src_lang":"de","tgt_lang":"en"}}`}, "de-en"},
		{map[string]string{"train_config": `{"data":{"train_src":"a.txt"}}`}, ""},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := trainedPair(tt.meta); got != tt.want {
			t.Errorf("trainedPair(%v) = %q, want %q", tt.meta, got, tt.want)
		}
	}
}

func TestServeFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--batch-size", "0"},
		{"serve", "--compute", "int4"},
		{"serve", "--api-keys", "/nonexistent/keys"},
	} {
		app := newApp()
		app.Writer, app.ErrWriter = io.Discard, io.Discard
		err := app.RunContext(context.Background(), append([]string{"nmt"}, args...))
		if err == nil {
			t.Errorf("nmt %v: no error", args)
		}
	}
}

// TestLoadServeModelEnsemble loads --model specs of one model and of
// ensembles (members joined by "+") and checks what each serves.
func TestLoadServeModelEnsemble(t *testing.T) {
	dir := t.TempDir()
	f, err := pretrained.Load("de-en")
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.safetensors")
	if err := f.Save(other, safetensors.F16); err != nil {
		t.Fatal(err)
	}
	plus := filepath.Join(dir, "de+en.safetensors") // a file name holding "+"
	if err := os.Link(other, plus); err != nil {
		t.Fatal(err)
	}
	const sentence = "Ein Mann fährt mit dem Fahrrad."
	translate1 := func(dec search.Decoder, src, tgt translate.Tokenizer) string {
		tr, err := translate.New(dec, src, tgt, translate.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		res, err := tr.TranslateLines(t.Context(), []string{sentence})
		if err != nil {
			t.Fatal(err)
		}
		return res[0].Translation()
	}
	want := func(members ...string) string {
		m, err := translate.LoadEnsemble(members, translate.ComputeFloat32)
		if err != nil {
			t.Fatal(err)
		}
		return translate1(m.Decoder, m.Src, m.Tgt)
	}
	alone, ensemble := want("de-en"), want("de-en", other)
	tests := []struct {
		spec, name string
		members    []string
		ensemble   bool
		want       string
	}{
		{"de-en=" + plus, plus, nil, false, alone},
		{"de-en+de-en", "de-en+de-en", []string{"de-en", "de-en"}, true, alone},
		{"de-en=de-en+" + other, "de-en+" + other, []string{"de-en", other}, true, ensemble},
	}
	for _, tt := range tests {
		m, err := loadServeModel(tt.spec, translate.ComputeFloat32)
		if err != nil {
			t.Errorf("%s: %v", tt.spec, err)
			continue
		}
		_, isEnsemble := m.Decoder.(*search.Ensemble)
		if m.Name != tt.name || !slices.Equal(m.Members, tt.members) || isEnsemble != tt.ensemble || m.Source+"-"+m.Target != "de-en" {
			t.Errorf("%s: name %q, members %q, ensemble %v, pair %s-%s; want %q, %q, %v, de-en", tt.spec, m.Name, m.Members, isEnsemble, m.Source, m.Target, tt.name, tt.members, tt.ensemble)
		}
		if got := translate1(m.Decoder, m.Src, m.Tgt); got != tt.want {
			t.Errorf("%s translates %q, want %q", tt.spec, got, tt.want)
		}
	}
	for _, spec := range []string{"de-en=", "de-en++de-en", "de-en+" + filepath.Join(dir, "missing.safetensors")} {
		if _, err := loadServeModel(spec, translate.ComputeFloat32); err == nil {
			t.Errorf("%s: no error", spec)
		}
	}
}

// TestServeDefaultModels loads what a plain "nmt serve" serves, the
// default --model values (every built-in model), as runServe does: each
// must name its language pair and no two the same pair, or "nmt serve"
// without flags fails to start.
func TestServeDefaultModels(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the built-in models")
	}
	var specs []string
	for _, c := range newApp().Commands {
		if c.Name != "serve" {
			continue
		}
		for _, f := range c.Flags {
			if sf, ok := f.(*cli.StringSliceFlag); ok && sf.Name == "model" {
				specs = sf.Value.Value()
			}
		}
	}
	if len(specs) == 0 {
		t.Fatal("nmt serve has no default --model")
	}
	var models []*serve.Model
	for _, spec := range specs {
		m, err := loadServeModel(spec, translate.ComputeAuto)
		if err != nil {
			t.Fatalf("nmt serve's default --model %s: %v", spec, err)
		}
		models = append(models, m)
	}
	srv, err := serve.New(models, serve.DefaultOptions())
	if err != nil {
		t.Fatalf("nmt serve with the default models %q: %v", specs, err)
	}
	srv.Close()
	// Every built-in model, a specialist too, serves its own pair.
	for _, name := range pretrained.Names() {
		m, err := loadServeModel(name, translate.ComputeAuto)
		if err != nil {
			t.Fatalf("nmt serve -m %s: %v", name, err)
		}
		if got := m.Source + "-" + m.Target; got != pretrained.Pair(name) {
			t.Errorf("nmt serve -m %s serves %s, want %s", name, got, pretrained.Pair(name))
		}
	}
}
