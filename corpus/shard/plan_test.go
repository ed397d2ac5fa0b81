package shard

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes data to name in a temporary directory, gzipped if gz.
func writeFile(t testing.TB, name string, data []byte, gz bool) string {
	t.Helper()
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data = b.Bytes()
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// shardInputs returns the input each of n shards of path reads.
func shardInputs(t *testing.T, path string, n int, byLines bool) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	var got []string
	for i := range n {
		j, err := Open(Options{Input: path, Output: out, Spec: Spec{i, n}, ByLines: byLines})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(j.Reader())
		if err != nil {
			t.Fatal(err)
		}
		j.Close()
		got = append(got, string(b))
	}
	return got
}

// TestPlanBoundaries checks where shards start and end, in bytes and in
// lines, plain and gzip: the shards' inputs, in order, are the whole
// input, each starts at a line start, and a line split gives each shard
// its share of lines.
func TestPlanBoundaries(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		n     int
		bytes []string // the shards of a byte split
		lines []string // the shards of a line split
	}{
		{"empty", "", 3, []string{"", "", ""}, []string{"", "", ""}},
		{"one shard", "a\nb\n", 1, []string{"a\nb\n"}, []string{"a\nb\n"}},
		{"two of three lines", "a\nb\nc\n", 2, []string{"a\nb\n", "c\n"}, []string{"a\n", "b\nc\n"}},
		{"no final newline", "aa\nbb\ncc", 3, []string{"aa\n", "bb\n", "cc"}, []string{"aa\n", "bb\n", "cc"}},
		{"more shards than lines", "a\nb\n", 5, []string{"", "a\n", "", "b\n", ""}, []string{"", "", "a\n", "", "b\n"}},
		{"crlf", "ab\r\ncd\r\nef\r\n", 3, []string{"ab\r\n", "cd\r\n", "ef\r\n"}, []string{"ab\r\n", "cd\r\n", "ef\r\n"}},
		{"empty lines", "\n\n\n\n", 2, []string{"\n\n", "\n\n"}, []string{"\n\n", "\n\n"}},
		{"one long line", strings.Repeat("x", 100) + "\nshort\n", 4, []string{strings.Repeat("x", 100) + "\n", "", "", "short\n"}, []string{"", strings.Repeat("x", 100) + "\n", "", "short\n"}},
		{"invalid utf-8", "\xff\xfe\n\xc3\n", 2, []string{"\xff\xfe\n", "\xc3\n"}, []string{"\xff\xfe\n", "\xc3\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := writeFile(t, "in.txt", []byte(tt.data), false)
			gz := writeFile(t, "in.txt.gz", []byte(tt.data), true)
			for _, c := range []struct {
				what    string
				path    string
				byLines bool
				want    []string
			}{
				{"plain", plain, false, tt.bytes},
				{"plain by lines", plain, true, tt.lines},
				{"gzip", gz, false, tt.lines},
			} {
				got := shardInputs(t, c.path, tt.n, c.byLines)
				if !slices.Equal(got, c.want) {
					t.Errorf("%s: shards %q, want %q", c.what, got, c.want)
				}
			}
		})
	}
}

// TestPlanTiles checks on many sizes and shard counts that the ranges of
// a split follow each other from 0 to the total, at line starts.
func TestPlanTiles(t *testing.T) {
	data := []byte(strings.Repeat("a line\n\nanother, longer line\r\n", 40))
	for size := 0; size <= len(data); size += 61 {
		path := writeFile(t, "in", data[:size], false)
		for _, n := range []int{1, 2, 3, 7, 50} {
			var at int64
			for i := range n {
				_, r, err := Plan(path, Spec{i, n}, false)
				if err != nil {
					t.Fatal(err)
				}
				if r.Start != at || r.End < r.Start || (r.Start > 0 && r.Start < int64(size) && data[r.Start-1] != '\n') {
					t.Fatalf("size %d, shard %d/%d: %s after %d", size, i, n, r, at)
				}
				at = r.End
			}
			if at != int64(size) {
				t.Fatalf("size %d, %d shards end at %d", size, n, at)
			}
		}
	}
}

func TestPlanErrors(t *testing.T) {
	path := writeFile(t, "in", []byte("a\n"), false)
	if _, _, err := Plan(path, Spec{3, 3}, false); err == nil {
		t.Error("Plan accepted shard 3/3")
	}
	if _, _, err := Plan(filepath.Join(t.TempDir(), "missing"), Spec{0, 1}, false); err == nil {
		t.Error("Plan accepted a missing file")
	}
	bad := writeFile(t, "bad.gz", []byte{0x1f, 0x8b, 8, 0, 0, 0}, false)
	if _, _, err := Plan(bad, Spec{0, 1}, false); err == nil || !strings.Contains(err.Error(), "bad.gz") {
		t.Errorf("Plan of a corrupt gzip file: %v, want an error naming it", err)
	}
}
