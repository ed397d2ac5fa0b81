package translate_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/attnmt/nmt/corpus/corpustest"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// BenchmarkStreamBuiltinFile translates Multi30k's test_2016_flickr.de
// (1,000 lines) with the built-in de-en model inside the process, with
// the options "nmt translate -i FILE" uses, the model loaded once before
// the timer: the in-process decoding rate that the whole-process file
// translation is compared with (issue 14's process overhead). Where the
// system gives them it also reports the process's CPU time (user and
// system, "cpu-ms/op") and minor page faults ("faults/op") per pass,
// which survive a loaded machine better than the wall-clock time: with
// -test.benchtime 1x they are those of a first pass, as a fresh process
// makes it, with 2x or more mostly those of passes over a grown heap.
func BenchmarkStreamBuiltinFile(b *testing.B) {
	dir := corpustest.SharedDir(b, "data", "multi30k")
	f, err := os.Open(filepath.Join(dir, "test_2016_flickr.de.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Count(text, []byte("\n"))
	m, err := translate.LoadModel(pretrained.Default, translate.ComputeAuto)
	if err != nil {
		b.Fatal(err)
	}
	for _, beam := range []int{1, 5} {
		b.Run("beam="+strconv.Itoa(beam), func(b *testing.B) {
			opt := translate.DefaultOptions()
			opt.Search.Beam = beam
			tr, err := translate.New(m.Decoder, m.Src, m.Tgt, opt)
			if err != nil {
				b.Fatal(err)
			}
			cpu0, faults0, ok := processUsage()
			for b.Loop() {
				if _, err := tr.Stream(context.Background(), bytes.NewReader(text), io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "sentences/s")
			if cpu1, faults1, _ := processUsage(); ok {
				b.ReportMetric(float64((cpu1-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(faults1-faults0)/float64(b.N), "faults/op")
			}
		})
	}
}
