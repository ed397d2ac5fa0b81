package corpus

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/corpus/corpustest"
)

func BenchmarkPlan(b *testing.B) {
	ex := synthetic(29000, 1)
	bt, _ := NewBatcher(ex, BatchOptions{MaxTokens: 4096, Seed: 1})
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		bt.Plan(i)
	}
}

func BenchmarkEpoch(b *testing.B) {
	ex := synthetic(29000, 1)
	for _, tokens := range []int{1024, 4096} {
		b.Run(fmt.Sprintf("tokens=%d", tokens), func(b *testing.B) {
			bt, _ := NewBatcher(ex, BatchOptions{MaxTokens: tokens, Seed: 1, TgtBOS: true, TgtEOS: true, SrcEOS: true})
			var batches []Batch
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				batches = bt.Epoch(i)
			}
			b.ReportMetric(float64(len(batches)), "batches")
			b.ReportMetric(efficiency(batches), "token-fraction")
		})
	}
}

// writeSynthetic writes n lines of about 12 words to path, gzip when asked.
func writeSynthetic(b *testing.B, path string, n int, compress bool) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var w io.Writer = f
	var zw *gzip.Writer
	if compress {
		zw = gzip.NewWriter(f)
		w = zw
	}
	line := strings.Repeat("Ein Mann fährt Fahrrad ", 3) + "\n"
	for range n {
		if _, err := io.WriteString(w, line); err != nil {
			b.Fatal(err)
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParallelReader(b *testing.B) {
	for _, compress := range []bool{false, true} {
		b.Run(fmt.Sprintf("gzip=%v", compress), func(b *testing.B) {
			dir := b.TempDir()
			src, tgt := filepath.Join(dir, "src"), filepath.Join(dir, "tgt")
			writeSynthetic(b, src, 29000, compress)
			writeSynthetic(b, tgt, 29000, compress)
			b.ReportAllocs()
			for b.Loop() {
				if n := countPairs(b, src, tgt); n != 29000 {
					b.Fatalf("%d pairs", n)
				}
			}
		})
	}
}

// BenchmarkMulti30kTrain reads the real training pair (skipped when
// ../shared is absent).
func BenchmarkMulti30kTrain(b *testing.B) {
	dir := corpustest.SharedDir(b, "data", "multi30k")
	b.ReportAllocs()
	for b.Loop() {
		countPairs(b, filepath.Join(dir, "train.de.gz"), filepath.Join(dir, "train.en.gz"))
	}
}

func countPairs(b *testing.B, src, tgt string) int {
	r, err := OpenParallel(src, tgt)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

func BenchmarkWords(b *testing.B) {
	s := "Eine Frau liest ein sehr langes Buch im Park , während die Sonne scheint ."
	b.ReportAllocs()
	for b.Loop() {
		Words(s)
	}
}
