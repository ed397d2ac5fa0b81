package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attnmt/nmt/corpus/shard"
	"github.com/attnmt/nmt/seq2seq/pretrained"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// benchWords are the words of the generated German sentences of
// BenchmarkShardCost.
var benchWords = strings.Fields("ein eine der die das Mann Frau Kind Hund Gruppe Junge Mädchen fährt läuft spielt sitzt steht " +
	"trägt hält mit dem einem einer auf im in am vor neben Fahrrad Straße Park Wasser Ball roten blauen grünen kleiner großer .")

// writeBenchCorpus writes n generated sentences of 5 to 15 words to path,
// gzip-compressed if gz.
func writeBenchCorpus(b *testing.B, path string, n int, gz bool) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
	}
	bw := bufio.NewWriter(w)
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		for k := range 5 + r.IntN(11) {
			if k > 0 {
				bw.WriteByte(' ')
			}
			bw.WriteString(benchWords[r.IntN(len(benchWords))])
		}
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if zw != nil {
		zw.Close()
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkShardCost measures what sharding costs on a generated
// 1,000,000-line file split in 7: finding the last shard's lines (plain:
// plan and seek; gzip: count the lines, then decompress up to the shard),
// against translating the shard with the built-in model (its rate measured
// on the shard's first 300 lines, default options). The metrics are the
// finding times and their percentage of the shard's translation time.
func BenchmarkShardCost(b *testing.B) {
	const lines, n = 1_000_000, 7
	dir := b.TempDir()
	plain, gz := filepath.Join(dir, "big.de"), filepath.Join(dir, "big.de.gz")
	writeBenchCorpus(b, plain, lines, false)
	writeBenchCorpus(b, gz, lines, true)
	out := filepath.Join(dir, "big.en")
	find := func(path string) (time.Duration, *shard.Job) {
		start := time.Now()
		j, err := shard.Open(shard.Options{Input: path, Output: out, Spec: shard.Spec{Index: n - 1, Count: n}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := j.Reader().Read(make([]byte, 1)); err != nil { // the first line is reached
			b.Fatal(err)
		}
		return time.Since(start), j
	}
	m, err := loadTranslateModel([]string{pretrained.Default}, translate.ComputeAuto)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := translate.New(m.dec, m.src, m.tgt, translate.DefaultOptions())
	if err != nil {
		b.Fatal(err)
	}
	var findPlain, findGzip, translating time.Duration
	const sample = 300
	b.ResetTimer()
	for b.Loop() {
		d, j := find(plain)
		findPlain += d
		j.Close()
		d, j = find(gz)
		findGzip += d
		head := make([]string, 0, sample)
		sc := bufio.NewScanner(j.Reader())
		for len(head) < sample && sc.Scan() {
			head = append(head, sc.Text())
		}
		j.Close()
		start := time.Now()
		if _, err := tr.WriteLines(context.Background(), head, io.Discard); err != nil {
			b.Fatal(err)
		}
		translating += time.Since(start)
	}
	k := float64(b.N)
	shardSeconds := translating.Seconds() / k / sample * (lines / n)
	b.ReportMetric(findPlain.Seconds()/k*1e3, "find-plain-ms")
	b.ReportMetric(findGzip.Seconds()/k*1e3, "find-gzip-ms")
	b.ReportMetric(sample*k/translating.Seconds(), "translate-lines/s")
	b.ReportMetric(100*findPlain.Seconds()/k/shardSeconds, "plain-%-of-translation")
	b.ReportMetric(100*findGzip.Seconds()/k/shardSeconds, "gzip-%-of-translation")
}
