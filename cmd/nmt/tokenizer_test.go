package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/tokenize"
)

// The -update flag rewrites golden files; another test file of the package
// may define it first.
var _ = defineUpdateFlag()

func defineUpdateFlag() bool {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
	return true
}

// updatingGolden reports whether -update was given.
func updatingGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// runTokenizer runs the nmt command line in-process with stdin as standard
// input and returns its standard output, standard error and error.
func runTokenizer(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := newApp()
	app.Reader = strings.NewReader(stdin)
	app.Writer, app.ErrWriter = &out, &errOut
	err := runApp(context.Background(), app, append([]string{"nmt"}, args...))
	return out.String(), errOut.String(), err
}

// tokenizerTexts are the sentences the CLI tests train on and encode.
var tokenizerTexts = []string{
	"Ein Mann fährt mit dem Fahrrad die Straße hinunter.",
	"A man rides a bicycle down the street.",
	"Zwei Hunde spielen im Schnee, 2 Kinder lachen!",
	"Two dogs play in the snow, 2 children laugh!",
	"It's a dog's life: 日本語 😀",
}

// trainedTokenizerFile trains a 300-token tokenizer through the CLI on a
// plain and a gzip file and returns its path.
func trainedTokenizerFile(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	de := filepath.Join(dir, "train.de")
	var de1, en1 []string
	for i := 0; i < 20; i++ {
		de1 = append(de1, tokenizerTexts[0], tokenizerTexts[2], tokenizerTexts[4])
		en1 = append(en1, tokenizerTexts[1], tokenizerTexts[3])
	}
	if err := os.WriteFile(de, []byte(strings.Join(de1, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(strings.Join(en1, "\r\n") + "\r\n"))
	zw.Close()
	en := filepath.Join(dir, "train.en.gz")
	if err := os.WriteFile(en, z.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tok.json")
	stdout, _, err := runTokenizer(t, "", "tokenizer", "train", "--vocab-size", "300", "-o", out, de, en)
	if err != nil {
		t.Fatalf("tokenizer train: %v", err)
	}
	for _, want := range []string{"read 100 lines from 2 files", "merges: 300 tokens", "wrote " + out} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output %q lacks %q", stdout, want)
		}
	}
	return out
}

func TestTokenizerEncodeGolden(t *testing.T) {
	tok := trainedTokenizerFile(t)
	var got strings.Builder
	for _, mode := range []string{"--pieces", "--ids", "--both"} {
		out, _, err := runTokenizer(t, "", append([]string{"tokenizer", "encode", "-t", tok, mode}, tokenizerTexts...)...)
		if err != nil {
			t.Fatalf("encode %s: %v", mode, err)
		}
		got.WriteString("# " + mode + "\n" + out)
	}
	path := filepath.Join("testdata", "tokenizer_encode.golden")
	if updatingGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got.String() != string(want) {
		t.Errorf("encode output differs from %s (run go test -update if intended):\n%s", path, got.String())
	}
}

func TestTokenizerEncodeMatchesLibrary(t *testing.T) {
	path := trainedTokenizerFile(t)
	tok, err := tokenize.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	stdin := strings.Join(tokenizerTexts, "\n") + "\n"
	out, _, err := runTokenizer(t, stdin, "tokenizer", "encode", "--tokenizer", path, "--both")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(tokenizerTexts) {
		t.Fatalf("%d output lines for %d input lines", len(lines), len(tokenizerTexts))
	}
	for i, text := range tokenizerTexts {
		e, err := tok.Encode(text)
		if err != nil {
			t.Fatal(err)
		}
		pieces, ids, _ := strings.Cut(lines[i], "\t")
		if pieces != strings.Join(e.Pieces, " ") {
			t.Errorf("line %d pieces %q, library gives %q", i+1, pieces, e.Pieces)
		}
		decoded, _, err := runTokenizer(t, "", append([]string{"tokenizer", "decode", "-t", path}, strings.Fields(ids)...)...)
		if err != nil {
			t.Fatal(err)
		}
		if decoded != text+"\n" {
			t.Errorf("decode of line %d = %q, want %q", i+1, decoded, text)
		}
	}
	// Decoding all id lines from stdin, with <s> and </s> around them.
	idsOut, _, err := runTokenizer(t, stdin, "tokenizer", "encode", "-t", path, "--ids")
	if err != nil {
		t.Fatal(err)
	}
	var framed strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(idsOut, "\n"), "\n") {
		framed.WriteString("2 " + l + " 3\n")
	}
	text, _, err := runTokenizer(t, framed.String(), "tokenizer", "decode", "-t", path)
	if err != nil {
		t.Fatal(err)
	}
	if text != stdin {
		t.Errorf("decode from stdin = %q, want %q", text, stdin)
	}
}

func TestTokenizerInvalidUTF8(t *testing.T) {
	tok := trainedTokenizerFile(t)
	stdin := "good\nbad \xff line\n\nalso \xc3 bad\nend\n"
	out, errOut, err := runTokenizer(t, stdin, "tokenizer", "encode", "-t", tok, "--ids")
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("encode of invalid UTF-8: error %v, want exit code 1", err)
	}
	for _, want := range []string{"stdin:2: invalid UTF-8 at byte 4", "stdin:4: invalid UTF-8 at byte 5"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	lines := strings.Split(out, "\n")
	if len(lines) != 6 || lines[1] != "" || lines[3] != "" || lines[0] == "" || lines[4] == "" {
		t.Errorf("output %q: want 5 lines, the bad ones empty", out)
	}

	out, errOut, err = runTokenizer(t, stdin, "tokenizer", "encode", "-t", tok, "--repair-utf8")
	if err != nil {
		t.Fatalf("encode --repair-utf8: %v", err)
	}
	if !strings.Contains(errOut, "repaired invalid UTF-8 in 2 lines") {
		t.Errorf("stderr %q lacks the repair count", errOut)
	}
	if got := strings.Count(out, "\n"); got != 5 {
		t.Errorf("%d output lines, want 5", got)
	}

	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("fine\nnot \xfe fine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = runTokenizer(t, "", "tokenizer", "train", "-o", filepath.Join(t.TempDir(), "t.json"), bad)
	if err == nil || !strings.Contains(err.Error(), bad+":2: invalid UTF-8") {
		t.Errorf("train on invalid UTF-8: error %v, want one naming %s:2", err, bad)
	}
}

func TestTokenizerErrors(t *testing.T) {
	tok := trainedTokenizerFile(t)
	missing := filepath.Join(t.TempDir(), "missing.json")
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantErr  string
	}{
		{"train without files", []string{"train", "-o", "x.json"}, "", 2, "at least one training file"},
		{"train without output", []string{"train", "a.txt"}, "", 2, "--output is required"},
		{"train small vocabulary", []string{"train", "--vocab-size", "100", "-o", "x.json", "a.txt"}, "", 2, "below the 260"},
		{"train missing file", []string{"train", "-o", filepath.Join(t.TempDir(), "x.json"), missing}, "", 1, "missing.json"},
		{"encode two modes", []string{"encode", "-t", tok, "--ids", "--both", "x"}, "", 2, "only one of"},
		{"encode missing tokenizer", []string{"encode", "-t", missing, "x"}, "", 1, "missing.json"},
		{"decode bad id", []string{"decode", "-t", tok}, "5 6\n7 x\n", 1, "1 of 2 lines failed"},
		{"decode id out of range", []string{"decode", "-t", tok, "5", "300"}, "", 1, "1 of 1 lines failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runTokenizer(t, tt.stdin, append([]string{"tokenizer"}, tt.args...)...)
			if err == nil {
				t.Fatal("no error")
			}
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code %d, want %d (error %v)", got, tt.wantCode, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q lacks %q", err, tt.wantErr)
			}
		})
	}
}
