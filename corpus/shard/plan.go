package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/attnmt/nmt/corpus"
)

// Unit is what a Range counts.
type Unit string

// The units of a Range.
const (
	// Bytes ranges are byte offsets in a plain file, each at a line start.
	Bytes Unit = "bytes"
	// Lines ranges are 0-based line numbers of the (decompressed) text.
	Lines Unit = "lines"
)

// Input identifies an input file, so that a shard is resumed and merged
// only with shards of the same file.
type Input struct {
	Name     string    `json:"input"`          // the path as given
	Size     int64     `json:"input_size"`     // bytes on disk
	Modified time.Time `json:"input_modified"` // modification time
}

// Range is the part of the input one shard covers: [Start, End) out of
// Total (the file's size in bytes, or its number of lines), in Unit.
type Range struct {
	Unit  Unit  `json:"unit"`
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	Total int64 `json:"total"`
}

// String returns "bytes 0-1234 of 5000" or "lines 0-10 of 30".
func (r Range) String() string { return fmt.Sprintf("%s %d-%d of %d", r.Unit, r.Start, r.End, r.Total) }

// Plan finds the range of shard s of the file at path: a byte range snapped
// to line starts for a plain file (unless byLines), a line range for gzip
// (which counts its lines, decompressing the whole file) or with byLines.
func Plan(path string, s Spec, byLines bool) (Input, Range, error) {
	if !s.Valid() {
		return Input{}, Range{}, fmt.Errorf("%w %s", ErrSpec, s)
	}
	f, err := os.Open(path)
	if err != nil {
		return Input{}, Range{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Input{}, Range{}, err
	}
	in := Input{Name: path, Size: fi.Size(), Modified: fi.ModTime().UTC()}
	var head [2]byte
	n, err := f.ReadAt(head[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return in, Range{}, fmt.Errorf("read %s: %w", path, err)
	}
	if byLines || (n == 2 && head == [2]byte{0x1f, 0x8b}) {
		total, err := countLines(path)
		if err != nil {
			return in, Range{}, err
		}
		return in, Range{Unit: Lines, Start: cut(s.Index, s.Count, total), End: cut(s.Index+1, s.Count, total), Total: total}, nil
	}
	start, err := snap(f, cut(s.Index, s.Count, in.Size), in.Size)
	if err != nil {
		return in, Range{}, fmt.Errorf("read %s: %w", path, err)
	}
	end, err := snap(f, cut(s.Index+1, s.Count, in.Size), in.Size)
	if err != nil {
		return in, Range{}, fmt.Errorf("read %s: %w", path, err)
	}
	return in, Range{Unit: Bytes, Start: start, End: end, Total: in.Size}, nil
}

// cut returns the nominal start of shard i of n over total units:
// floor(i*total/n), without overflow for any file size.
func cut(i, n int, total int64) int64 {
	q, r := total/int64(n), total%int64(n)
	return int64(i)*q + int64(i)*r/int64(n)
}

// snap returns the offset of the first line that starts at or after off:
// off itself if the byte before it is a newline, else the byte after the
// next newline, else size.
func snap(f io.ReaderAt, off, size int64) (int64, error) {
	if off <= 0 || off >= size {
		return min(max(off, 0), size), nil
	}
	buf := make([]byte, 16<<10)
	for pos := off - 1; pos < size; {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-pos)], pos)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		if n == 0 {
			break
		}
		pos += int64(n)
	}
	return size, nil
}

// countLines counts the lines of the (decompressed) file at path as the
// line readers do: a last line without a newline counts.
func countLines(path string) (int64, error) {
	r, err := corpus.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n, err := skipLines(r, -1)
	if err != nil {
		return 0, fmt.Errorf("count lines of %s: %w", path, err)
	}
	return n, nil
}
