package seq2seq

import (
	"os"
	"testing"
)

// BenchmarkReadBytesInt8File reads the model file named by
// NMT_BENCH_MODEL from memory for int8 decoding, as a built-in model is
// read (run with -benchmem to compare a float16 file with its int8
// export); it is skipped when the variable is unset.
func BenchmarkReadBytesInt8File(b *testing.B) {
	path := os.Getenv("NMT_BENCH_MODEL")
	if path == "" {
		b.Skip("NMT_BENCH_MODEL names no model file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ReadBytesInt8(data, path); err != nil {
			b.Fatal(err)
		}
	}
}
