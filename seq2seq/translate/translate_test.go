package translate_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/search/searchtest"
	"github.com/attnmt/nmt/seq2seq/translate"
	"github.com/attnmt/nmt/seq2seq/translate/translatetest"
	"github.com/attnmt/nmt/tokenize"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var vocab = []string{"ein", "Mann", "fährt", "Fahrrad", "Fahr@@", "eine", "Frau", "läuft", "."}

// newTranslator returns a translator with the reverse-copy model: each
// sentence translates to its words in reverse order.
func newTranslator(t testing.TB, reverse bool, edit func(*translate.Options)) *translate.Translator {
	t.Helper()
	tok := translatetest.New(vocab, true)
	opt := translate.DefaultOptions()
	opt.Workers = 2
	if edit != nil {
		edit(&opt)
	}
	tr, err := translate.New(&searchtest.Copy{V: tok.VocabSize(), Reverse: reverse}, tok, tok, opt)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTranslateLines(t *testing.T) {
	tests := []struct {
		name    string
		reverse bool
		edit    func(*translate.Options)
		in      string
		want    string
		err     error
	}{
		{"reverse", true, nil, "ein Mann fährt Fahrrad .", ". Fahrrad fährt Mann ein", nil},
		{"unk replaced", true, nil, "eine Katze läuft", "läuft Katze eine", nil},
		{"unk kept", true, func(o *translate.Options) { o.NoUnkReplace = true }, "eine Katze läuft", "läuft eine", nil},
		{"unk greedy", true, func(o *translate.Options) { o.Search.Beam = 1 }, "eine Katze läuft", "läuft Katze eine", nil},
		// "Fahrzeug" is split into Fahr@@ and the unknown "zeug": the
		// <unk> attends to "zeug", whose word is "Fahrzeug".
		{"unk subword", false, nil, "ein Fahrzeug", "ein Fahr Fahrzeug", nil},
		{"empty", true, nil, "", "", nil},
		{"spaces", true, nil, " \t ", "", nil},
		{"invalid UTF-8", true, nil, "ein \xff Mann", "", tokenize.ErrInvalidUTF8},
		{"too many tokens", true, func(o *translate.Options) { o.MaxTokens = 3 }, "ein Mann fährt Fahrrad", "", translate.ErrTooManyTokens},
		{"too many bytes", true, func(o *translate.Options) { o.MaxLineBytes = 10 }, "ein Mann fährt", "", translate.ErrLineTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTranslator(t, tt.reverse, tt.edit)
			res, err := tr.TranslateLines(context.Background(), []string{tt.in})
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 {
				t.Fatalf("got %d results, want 1", len(res))
			}
			r := res[0]
			if got := r.Translation(); got != tt.want || !errors.Is(r.Err, tt.err) {
				t.Errorf("got %q, error %v; want %q, error %v", got, r.Err, tt.want, tt.err)
			}
		})
	}
}

// reverseWords is what the reverse-copy model gives for s, <unk>s
// replaced by their own words.
func reverseWords(s string) string {
	w := strings.Fields(s)
	slices.Reverse(w)
	return strings.Join(w, " ")
}

// randomLines returns n lines of 0 to 12 words from vocab and unknown
// words, some invalid.
func randomLines(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 3))
	lines := make([]string, n)
	for i := range lines {
		k := rng.IntN(13)
		var w []string
		for range k {
			if rng.IntN(5) == 0 {
				w = append(w, fmt.Sprintf("w%d", rng.IntN(100)))
			} else {
				w = append(w, []string{"ein", "Mann", "fährt", "eine", "Frau", "läuft", "."}[rng.IntN(7)])
			}
		}
		lines[i] = strings.Join(w, " ")
		if rng.IntN(50) == 0 {
			lines[i] += " \xfe"
		}
	}
	return lines
}

// TestStreamKeepsOrder checks the output and the error messages of a
// file of several chunks, with chunks small enough to be tokenized on one
// goroutine and large enough to be tokenized on several.
func TestStreamKeepsOrder(t *testing.T) {
	for _, chunkSize := range []int{100, 1000} {
		t.Run(fmt.Sprintf("chunk %d", chunkSize), func(t *testing.T) {
			testStreamKeepsOrder(t, chunkSize)
		})
	}
}

func testStreamKeepsOrder(t *testing.T, chunkSize int) {
	lines := randomLines(2345, 1)
	var errs bytes.Buffer
	chunks := 0
	tr := newTranslator(t, true, func(o *translate.Options) {
		o.ChunkSize, o.Search.BatchSize, o.Workers, o.Search.Beam = chunkSize, 7, 3, 2
		o.Errors = &errs
		o.Progress = func(translate.Stats) { chunks++ }
	})
	var out bytes.Buffer
	st, err := tr.Stream(context.Background(), strings.NewReader(strings.Join(lines, "\r\n")+"\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("got %d lines, want %d", len(got), len(lines))
	}
	var wantErrs strings.Builder
	failed, empty := 0, 0
	for i, l := range lines {
		want := reverseWords(l)
		switch {
		case strings.Contains(l, "\xfe"):
			want = ""
			failed++
			fmt.Fprintf(&wantErrs, "line %d: invalid UTF-8\n", i+1)
		case l == "":
			empty++
		}
		if got[i] != want {
			t.Errorf("line %d: got %q, want %q", i+1, got[i], want)
		}
	}
	if errs.String() != wantErrs.String() {
		t.Errorf("error messages:\n%s\nwant:\n%s", errs.String(), wantErrs.String())
	}
	if st.Lines != len(lines) || st.Failed != failed || st.Empty != empty || st.Translated != len(lines)-failed-empty {
		t.Errorf("stats %+v; want %d lines, %d failed, %d empty", st, len(lines), failed, empty)
	}
	if chunks < len(lines)/chunkSize {
		t.Errorf("progress called %d times, want at least once per chunk (%d)", chunks, len(lines)/chunkSize)
	}
}

func TestStreamLineEnds(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"\n", "\n"},
		{"ein", "ein\n"},
		{"\xef\xbb\xbfein Mann\r\n\r\nFrau", "Mann ein\n\nFrau\n"},
		{"ein\n\n\nMann\n", "ein\n\n\nMann\n"},
	}
	tr := newTranslator(t, true, nil)
	for _, tt := range tests {
		var out bytes.Buffer
		if _, err := tr.Stream(context.Background(), strings.NewReader(tt.in), &out); err != nil {
			t.Fatal(err)
		}
		if out.String() != tt.want {
			t.Errorf("Stream(%q) wrote %q, want %q", tt.in, out.String(), tt.want)
		}
	}
}

// lineCounter generates lines without end and counts them.
type lineCounter struct {
	n, max int
	read   atomic.Int64
	buf    []byte
}

func (r *lineCounter) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.n < r.max {
		r.n++
		r.read.Add(1)
		r.buf = fmt.Appendf(r.buf, "eine Frau läuft %d\n", r.n)
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// boundWriter fails a test if the reader got too far ahead of the output.
type boundWriter struct {
	t       *testing.T
	r       *lineCounter
	lines   int64
	bound   int64
	maxSeen int64
}

func (w *boundWriter) Write(p []byte) (int, error) {
	w.lines += int64(bytes.Count(p, []byte("\n")))
	ahead := w.r.read.Load() - w.lines
	w.maxSeen = max(w.maxSeen, ahead)
	if ahead > w.bound {
		return 0, fmt.Errorf("%d lines read ahead of the %d written, want at most %d", ahead, w.lines, w.bound)
	}
	return len(p), nil
}

func TestStreamReadsAheadBoundedly(t *testing.T) {
	const chunk = 50
	r := &lineCounter{max: 20000}
	tr := newTranslator(t, true, func(o *translate.Options) { o.ChunkSize, o.Search.Beam = chunk, 1 })
	// Two chunks in flight, one in the channel, one being cut, and the
	// line reader's 64 KiB buffer (about 3000 lines here).
	w := &boundWriter{t: t, r: r, bound: 4*chunk + 4000}
	st, err := tr.Stream(context.Background(), r, w)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != r.max {
		t.Errorf("wrote %d lines, want %d", st.Lines, r.max)
	}
	t.Logf("at most %d lines read ahead", w.maxSeen)
}

type failingDecoder struct{ search.Decoder }

func (failingDecoder) Step(search.State, []int, []float32, []float32) error {
	return errors.New("model exploded")
}

func TestStreamErrors(t *testing.T) {
	tok := translatetest.New(vocab, false)
	tr, err := translate.New(failingDecoder{&searchtest.Copy{V: tok.VocabSize()}}, tok, tok, translate.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.Stream(context.Background(), strings.NewReader("ein Mann\n\nFrau\n"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "translate lines 1-3: search sentences 1-2: step 1: model exploded") {
		t.Errorf("got error %v, want the model's", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newTranslator(t, true, nil).Stream(ctx, strings.NewReader("ein Mann\n"), io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: got error %v", err)
	}
	_, err = newTranslator(t, true, nil).Stream(context.Background(), iotestErrReader{}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "read line 1: disk on fire") {
		t.Errorf("read error: got %v", err)
	}
}

// failShortDecoder fails on a batch with a sentence of at most two
// tokens, once the output of the first chunk is being written.
type failShortDecoder struct {
	search.Decoder
	writing <-chan struct{}
	failed  chan<- struct{}
}

func (d failShortDecoder) Begin(ctx context.Context, src [][]int) (search.State, error) {
	for _, s := range src {
		if len(s) <= 2 {
			select {
			case <-d.writing:
			case <-time.After(5 * time.Second):
			}
			close(d.failed)
			return nil, errors.New("short sentence")
		}
	}
	return d.Decoder.Begin(ctx, src)
}

// signalWriter closes writing on its first Write and returns once failed
// is closed, and a little later.
type signalWriter struct {
	bytes.Buffer
	once    sync.Once
	writing chan<- struct{}
	failed  <-chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.once.Do(func() {
		close(w.writing)
		select {
		case <-w.failed:
			time.Sleep(10 * time.Millisecond) // for the failed batch to be counted
		case <-time.After(5 * time.Second):
		}
	})
	return w.Buffer.Write(p)
}

// TestStreamFailedBatch fails the second batch of the second chunk while
// the first chunk is written: the first chunk is written whole, nothing
// of the second, and the error names the failed batch's lines. Chunks are
// cut by size alone (no waiting for slow input), so that a loaded
// machine cannot cut the first chunk short: the input comes a line at a
// time, slower than a chunk waits by default.
func TestStreamFailedBatch(t *testing.T) {
	in := "ein Mann fährt Fahrrad .\neine Frau läuft .\nein Mann läuft .\neine Frau fährt\n" +
		"ein Mann fährt Fahrrad .\nFrau\neine Frau läuft .\nein Mann\n"
	want := ". Fahrrad fährt Mann ein\n. läuft Frau eine\n. läuft Mann ein\nfährt Frau eine\n"
	tok := translatetest.New(vocab, false)
	opt := translate.DefaultOptions()
	opt.ChunkSize, opt.Search.BatchSize, opt.Workers = 4, 2, 1
	for i := range 20 { // the bug this guards against showed half of the time
		writing, failed := make(chan struct{}), make(chan struct{})
		dec := failShortDecoder{&searchtest.Copy{V: tok.VocabSize(), Reverse: true}, writing, failed}
		tr, err := translate.New(dec, tok, tok, opt)
		if err != nil {
			t.Fatal(err)
		}
		translate.SetChunkWait(tr, time.Hour)
		w := &signalWriter{writing: writing, failed: failed}
		st, err := tr.Stream(context.Background(), &slowLineReader{text: in}, w)
		if err == nil || !strings.Contains(err.Error(), "translate lines 6-8: search sentences 1-2: begin: short sentence") {
			t.Fatalf("run %d: got error %v, want one about lines 6-8", i, err)
		}
		if w.String() != want || st.Lines != 4 {
			t.Fatalf("run %d: wrote %d lines %q, want the first chunk only: %q", i, st.Lines, w.String(), want)
		}
	}
}

// slowLineReader returns one line of its text per Read, 10 ms apart.
type slowLineReader struct{ text string }

func (r *slowLineReader) Read(p []byte) (int, error) {
	if r.text == "" {
		return 0, io.EOF
	}
	time.Sleep(10 * time.Millisecond)
	line, _, _ := strings.Cut(r.text, "\n")
	n := copy(p, r.text[:min(len(line)+1, len(r.text))])
	r.text = r.text[n:]
	return n, nil
}

// blockingReader returns its text, then blocks in Read until released.
type blockingReader struct {
	text     string
	blocked  chan struct{} // closed when Read blocks
	release  chan struct{}
	inRead   atomic.Bool
	finished atomic.Bool // set when Read returns after release
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if r.text != "" {
		n := copy(p, r.text)
		r.text = r.text[n:]
		return n, nil
	}
	r.inRead.Store(true)
	defer r.inRead.Store(false)
	close(r.blocked)
	<-r.release
	r.finished.Store(true)
	return 0, io.EOF
}

// TestStreamWaitsForReader checks that Stream, canceled while its reader
// is blocked, returns only once the Read returned.
func TestStreamWaitsForReader(t *testing.T) {
	r := &blockingReader{text: "ein Mann\n", blocked: make(chan struct{}), release: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	type ret struct {
		st  translate.Stats
		err error
	}
	done := make(chan ret, 1)
	tr := newTranslator(t, true, nil)
	var out bytes.Buffer
	go func() {
		st, err := tr.Stream(ctx, r, &out)
		done <- ret{st, err}
	}()
	<-r.blocked
	cancel()
	select {
	case <-done:
		t.Fatal("Stream returned while its reader was in Read")
	case <-time.After(20 * time.Millisecond):
	}
	close(r.release)
	got := <-done
	if !errors.Is(got.err, context.Canceled) {
		t.Errorf("got error %v, want context.Canceled", got.err)
	}
	if !r.finished.Load() || r.inRead.Load() {
		t.Error("Stream returned before its reader's Read")
	}
	if got.st.Lines != 0 && out.String() != "Mann ein\n" {
		t.Errorf("wrote %q for %d lines, want the whole chunk or nothing", out.String(), got.st.Lines)
	}
}

func TestStreamName(t *testing.T) {
	var errs bytes.Buffer
	tr := newTranslator(t, true, func(o *translate.Options) { o.Name, o.Errors = "in.de", &errs })
	if _, err := tr.Stream(context.Background(), strings.NewReader("ein\nein \xff\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := "in.de:2: invalid UTF-8\n"; errs.String() != want {
		t.Errorf("errors %q, want %q", errs.String(), want)
	}
	_, err := tr.Stream(context.Background(), iotestErrReader{}, io.Discard)
	if err == nil || err.Error() != "read in.de:1: disk on fire" {
		t.Errorf("read error: got %v", err)
	}
}

// TestStreamFirstLine checks that FirstLine numbers the lines of a Stream
// that starts inside a file.
func TestStreamFirstLine(t *testing.T) {
	var errs bytes.Buffer
	tr := newTranslator(t, true, func(o *translate.Options) { o.Name, o.FirstLine, o.Errors = "in.de", 41, &errs })
	if _, err := tr.Stream(context.Background(), strings.NewReader("ein\nein \xff\n"), io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := "in.de:42: invalid UTF-8\n"; errs.String() != want {
		t.Errorf("errors %q, want %q", errs.String(), want)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestOptionsErrors(t *testing.T) {
	tok := translatetest.New(vocab, false)
	opt := translate.DefaultOptions()
	opt.Search.NBest = 2
	opt.Workers = 0
	_, err := translate.New(&searchtest.Copy{V: 20}, tok, tok, opt)
	for _, want := range []string{"workers must be at least 1", "n-best 2 needs JSONL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got error %v, want one containing %q", err, want)
		}
	}
}

func TestTranslateIDs(t *testing.T) {
	tr := newTranslator(t, false, func(o *translate.Options) { o.Search.BatchSize, o.Workers = 3, 3 })
	var src [][]int
	for i := range 40 {
		s := make([]int, (i*7)%11)
		for j := range s {
			s[j] = 4 + (i+j)%9
		}
		src = append(src, s)
	}
	got, err := tr.TranslateIDs(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range src {
		if !slices.Equal(got[i], src[i]) {
			t.Errorf("sentence %d: got %v, want the copy %v", i, got[i], src[i])
		}
	}
}

// goldenInput has every kind of line: translated, with an unknown word,
// empty, invalid UTF-8 and too long.
const goldenInput = "ein Mann fährt Fahrrad .\n" +
	"eine Katze läuft\n" +
	"\n" +
	"eine Frau \xff\n" +
	"ein Mann ein Mann ein Mann ein Mann ein Mann ein Mann ein Mann\n" +
	"Frau\n"

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		edit func(*translate.Options)
	}{
		{"text", nil},
		{"jsonl", func(o *translate.Options) { o.Format, o.Search.NBest = translate.JSONL, 2 }},
		{"jsonl-attention", func(o *translate.Options) { o.Format, o.Attention = translate.JSONL, true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			tr := newTranslator(t, true, func(o *translate.Options) {
				o.MaxTokens, o.Errors = 10, &errs
				if tt.edit != nil {
					tt.edit(o)
				}
			})
			if _, err := tr.Stream(context.Background(), strings.NewReader(goldenInput), &out); err != nil {
				t.Fatal(err)
			}
			out.WriteString("-- stderr\n")
			out.Write(errs.Bytes())
			golden(t, filepath.Join("testdata", tt.name+".golden"), out.Bytes())
		})
	}
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func ExampleTranslator_TranslateLines() {
	// A word-level tokenizer and a fake model that reverses its input.
	tok := translatetest.New([]string{"ein", "Mann", "fährt", "Fahrrad", "."}, false)
	tr, err := translate.New(&searchtest.Copy{V: tok.VocabSize(), Reverse: true}, tok, tok, translate.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := tr.TranslateLines(context.Background(), []string{"ein Mann fährt Fahrrad .", "", "ein Zebra"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Printf("%d: %q\n", r.Line, r.Translation())
	}
	// Output:
	// 1: ". Fahrrad fährt Mann ein"
	// 2: ""
	// 3: "Zebra ein"
}

func BenchmarkStream(b *testing.B) {
	lines := strings.Join(randomLines(1000, 2), "\n")
	tr := newTranslator(b, true, func(o *translate.Options) { o.Search.Beam = 1 })
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Stream(context.Background(), strings.NewReader(lines), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestBestIDs checks that BestIDs, which batches sentences by length on
// several workers, gives what a search of each sentence alone gives.
func TestBestIDs(t *testing.T) {
	cfg := seq2seq.Config{SrcVocab: 16, TgtVocab: 16, Embed: 8, EncoderHidden: 8, EncoderLayers: 1,
		DecoderHidden: 16, Attention: "additive", AttentionDim: 8, Output: 8}
	m, err := seq2seq.New(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	opt := search.DefaultOptions()
	opt.Beam, opt.BatchSize = 1, 4
	var src [][]int
	for i := range 13 {
		s := make([]int, 1+(i*5)%9)
		for j := range s {
			s[j] = 4 + (i*3+j)%12
		}
		src = append(src, s)
	}
	got, err := translate.BestIDs(m, opt)(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	dec := translate.SearchDecoder(m)
	one := opt
	one.BatchSize, one.NoAttention = 1, true
	for i, s := range src {
		hyps, err := search.Search(context.Background(), dec, [][]int{s}, one)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got[i], hyps[0][0].Tokens) {
			t.Errorf("sentence %d: got %v, want %v", i, got[i], hyps[0][0].Tokens)
		}
	}
}
