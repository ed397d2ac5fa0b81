package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// The format names written at the start of sidecar and progress files; a
// change that older versions cannot read gets a new number.
const (
	SidecarFormat  = "nmt-shard/1"
	progressFormat = "nmt-shard-progress/1"
)

// ErrSidecar reports a sidecar or progress file that cannot be parsed or
// is inconsistent.
var ErrSidecar = errors.New("invalid shard sidecar")

// Header identifies a shard: which shard of which input, its range, and
// the settings that made its output.
type Header struct {
	Shard  int `json:"shard"`
	Shards int `json:"shards"`
	Input
	Range
	// Settings is whatever else determines the output (the model, the
	// search options), as given by the caller: shards resume and merge
	// only with equal settings.
	Settings string `json:"settings"`
}

// Spec returns the shard's Spec.
func (h Header) Spec() Spec { return Spec{Index: h.Shard, Count: h.Shards} }

// sameSplit reports whether h and o are shards of one split: the same
// input, number of shards, unit and settings.
func (h Header) sameSplit(o Header) bool {
	return h.Shards == o.Shards && h.Name == o.Name && h.Size == o.Size && h.Modified.Equal(o.Modified) &&
		h.Unit == o.Unit && h.Total == o.Total && h.Settings == o.Settings
}

// same reports whether h and o are the same shard of the same split.
func (h Header) same(o Header) bool {
	return h.sameSplit(o) && h.Shard == o.Shard && h.Range == o.Range
}

// Sidecar is the record of a complete shard, written next to its output.
type Sidecar struct {
	Format string `json:"format"`
	Header
	Lines       int64 `json:"lines"`        // output lines, one per input line of the range
	OutputBytes int64 `json:"output_bytes"` // size of the output file
}

// progress is the record of a shard being written: how much of the
// partial file is done.
type progress struct {
	Format string `json:"format"`
	Header
	Lines       int64 `json:"lines_done"`
	OutputBytes int64 `json:"output_bytes"`
}

// ParseSidecar parses and checks a sidecar file's content.
func ParseSidecar(data []byte) (Sidecar, error) {
	var s Sidecar
	if err := decode(data, &s, &s.Format, SidecarFormat); err != nil {
		return s, err
	}
	return s, s.check(s.Lines, s.OutputBytes)
}

// parseProgress parses and checks a progress file's content.
func parseProgress(data []byte) (progress, error) {
	var p progress
	if err := decode(data, &p, &p.Format, progressFormat); err != nil {
		return p, err
	}
	return p, p.check(p.Lines, p.OutputBytes)
}

// decode parses the JSON data into v, whose format field must then read
// want.
func decode(data []byte, v any, format *string, want string) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %v", ErrSidecar, err)
	}
	if *format != want {
		return fmt.Errorf("%w: format %q, want %q (written by another version of nmt: use that version)", ErrSidecar, *format, want)
	}
	return nil
}

// check reports whether h is consistent, with lines output lines of bytes
// bytes done.
func (h Header) check(lines, bytes int64) error {
	var errs []string
	if !h.Spec().Valid() {
		errs = append(errs, fmt.Sprintf("shard %s out of range", h.Spec()))
	}
	if h.Unit != Bytes && h.Unit != Lines {
		errs = append(errs, fmt.Sprintf("unit %q, want %q or %q", h.Unit, Bytes, Lines))
	}
	if h.Start < 0 || h.Start > h.End || h.End > h.Total {
		errs = append(errs, fmt.Sprintf("range %d-%d of %d", h.Start, h.End, h.Total))
	}
	if h.Unit == Bytes && h.Total != h.Size {
		errs = append(errs, fmt.Sprintf("byte range of %d bytes in an input of %d", h.Total, h.Size))
	}
	// Every line is at least one byte ("\n"), in and out.
	if lines < 0 || bytes < lines || lines > h.End-h.Start {
		errs = append(errs, fmt.Sprintf("%d lines of %d bytes for a range of %d %s", lines, bytes, h.End-h.Start, h.Unit))
	}
	if h.Size < 0 {
		errs = append(errs, fmt.Sprintf("input size %d", h.Size))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %s", ErrSidecar, strings.Join(errs, "; "))
	}
	return nil
}

// marshal returns v as indented JSON with a final newline.
func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	return append(b, '\n'), err
}

// OutputName returns the name of shard s's output for the merged output
// out: "OUT.shard-00002-of-00007" (0-based; at least five digits, so that
// a shell glob lists the shards in order).
func OutputName(out string, s Spec) string {
	w := max(5, len(strconv.Itoa(s.Count)))
	return fmt.Sprintf("%s.shard-%0*d-of-%0*d", out, w, s.Index, w, s.Count)
}

// SidecarName returns the name of the sidecar of the shard output output.
func SidecarName(output string) string { return output + ".json" }

// partialName and progressName are the files of a shard being written:
// hidden, in the output's directory.
func partialName(output string) string  { return hidden(output, ".partial") }
func progressName(output string) string { return hidden(output, ".progress") }

func hidden(path, suffix string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+suffix)
}

// shardSuffix matches the end of an OutputName.
var shardSuffix = regexp.MustCompile(`\.shard-[0-9]+-of-[0-9]+$`)

// outputOf returns the shard output that path names: path itself, or the
// output of a sidecar path (so that "OUT.shard-*" may list both).
func outputOf(path string) string {
	if o, ok := strings.CutSuffix(path, ".json"); ok && shardSuffix.MatchString(o) {
		return o
	}
	return path
}

// readSidecar reads the sidecar of the shard output output.
func readSidecar(output string) (Sidecar, error) {
	data, err := os.ReadFile(SidecarName(output))
	if err != nil {
		return Sidecar{}, err
	}
	s, err := ParseSidecar(data)
	if err != nil {
		return s, fmt.Errorf("%s: %w", SidecarName(output), err)
	}
	return s, nil
}
