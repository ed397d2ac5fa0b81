package shard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// ErrIncomplete reports a split whose shards are not all there and complete.
var ErrIncomplete = errors.New("shards missing or incomplete")

// Summary describes a merged split.
type Summary struct {
	Shards int   // shards merged
	Lines  int64 // lines written
	Bytes  int64 // bytes written
}

// merged is one shard to merge.
type merged struct {
	path string
	Sidecar
}

// Merge writes the outputs of all shards of one split, given by the paths
// of their outputs (or of their sidecars; a path given both ways counts
// once), to out in input order, atomically. It fails, leaving out as it
// was, unless every shard is given exactly once and complete (see the
// package documentation); the error lists every problem found, with an
// error wrapping ErrIncomplete for missing or incomplete shards.
func Merge(out string, paths []string) (Summary, error) {
	shards, err := collect(paths)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	err = atomicfile.WriteFile(out, func(w io.Writer) error {
		for _, s := range shards {
			if err := copyShard(w, s); err != nil {
				return err
			}
			sum.Lines += s.Lines
			sum.Bytes += s.OutputBytes
		}
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("merge into %s: %w", out, err)
	}
	sum.Shards = len(shards)
	return sum, nil
}

// collect reads the sidecars of paths and returns the shards in order, or
// every problem found.
func collect(paths []string) ([]merged, error) {
	if len(paths) == 0 {
		return nil, errors.New("no shard outputs given")
	}
	var errs []error
	var shards []merged
	seen := map[string]bool{}
	for _, p := range paths {
		output := outputOf(p)
		if seen[output] {
			continue
		}
		seen[output] = true
		sc, err := readSidecar(output)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("%w: %s: %s", ErrIncomplete, output, status(output)))
		case err != nil:
			errs = append(errs, err)
		default:
			shards = append(shards, merged{path: output, Sidecar: sc})
		}
	}
	if len(shards) == 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(shards, func(a, b merged) int { return a.Shard - b.Shard })
	first := shards[0]
	byIndex := make(map[int]merged, len(shards))
	for _, s := range shards {
		if !s.sameSplit(first.Header) {
			errs = append(errs, fmt.Errorf("%s is not of the same split as %s: %s", s.path, first.path, splitDiff(s.Header, first.Header)))
			continue
		}
		if o, dup := byIndex[s.Shard]; dup {
			errs = append(errs, fmt.Errorf("shard %s given twice: %s and %s", s.Spec(), o.path, s.path))
			continue
		}
		byIndex[s.Shard] = s
	}
	base, named := strings.CutSuffix(first.path, OutputName("", first.Spec()))
	var missing []string
	for i := range first.Shards {
		if _, ok := byIndex[i]; ok {
			continue
		}
		spec := Spec{Index: i, Count: first.Shards}
		if !named {
			missing = append(missing, fmt.Sprintf("shard %s", spec))
			continue
		}
		output := OutputName(base, spec)
		missing = append(missing, fmt.Sprintf("shard %s (%s): %s", spec, output, status(output)))
	}
	if len(missing) > 0 {
		errs = append(errs, fmt.Errorf("%w: %d of %d shards not given:\n  %s", ErrIncomplete, len(missing), first.Shards, strings.Join(missing, "\n  ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	ordered := make([]merged, first.Shards)
	for i := range ordered {
		ordered[i] = byIndex[i]
	}
	return ordered, checkTiling(ordered)
}

// checkTiling checks that the ranges of shards, in order, cover the input
// without gap or overlap.
func checkTiling(shards []merged) error {
	var errs []error
	var at int64
	for _, s := range shards {
		if s.Start != at {
			errs = append(errs, fmt.Errorf("%s (shard %s) covers %s, but the shards before it end at %d", s.path, s.Spec(), s.Range, at))
		}
		at = s.End
	}
	if last := shards[len(shards)-1]; at != last.Total {
		errs = append(errs, fmt.Errorf("the shards end at %s %d of %d", last.Unit, at, last.Total))
	}
	return errors.Join(errs...)
}

// splitDiff says how two headers differ in their split.
func splitDiff(a, b Header) string {
	switch {
	case a.Shards != b.Shards:
		return fmt.Sprintf("%d shards, not %d", a.Shards, b.Shards)
	case a.Name != b.Name || a.Size != b.Size || !a.Modified.Equal(b.Modified):
		return fmt.Sprintf("input %s (%d bytes, modified %s), not %s (%d bytes, modified %s)", a.Name, a.Size, a.Modified, b.Name, b.Size, b.Modified)
	case a.Unit != b.Unit || a.Total != b.Total:
		return fmt.Sprintf("split in %d %s, not %d %s", a.Total, a.Unit, b.Total, b.Unit)
	}
	return fmt.Sprintf("settings %q, not %q", a.Settings, b.Settings)
}

// status says what is known of a shard output not merged.
func status(output string) string {
	if _, err := os.Stat(SidecarName(output)); err == nil {
		return "complete, but not given: add it to the shards to merge"
	}
	if data, err := os.ReadFile(progressName(output)); err == nil {
		if p, err := parseProgress(data); err == nil {
			return fmt.Sprintf("not complete: %d lines done at the last checkpoint (still running, or stopped: run it again to resume)", p.Lines)
		}
		return "not complete: its progress file is unreadable (run it again)"
	}
	if _, err := os.Stat(output); err == nil {
		return "no sidecar " + SidecarName(output) + ": not complete (run it again)"
	}
	return "no output, no progress file: never run, or run elsewhere"
}

// copyShard copies the output of s to w, checking its size and lines
// against its sidecar.
func copyShard(w io.Writer, s merged) error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	var lines, n int64
	buf := make([]byte, 256<<10)
	for {
		k, err := f.Read(buf)
		lines += int64(bytes.Count(buf[:k], []byte{'\n'}))
		n += int64(k)
		if _, werr := w.Write(buf[:k]); werr != nil {
			return werr
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", s.path, err)
		}
	}
	if lines != s.Lines || n != s.OutputBytes {
		return fmt.Errorf("%s (shard %s) has %d lines, %d bytes; its sidecar says %d lines, %d bytes: changed since it was written (run the shard again)",
			s.path, s.Spec(), lines, n, s.Lines, s.OutputBytes)
	}
	return nil
}
