package align

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// ErrPattern reports a heatmap file name pattern without exactly one %d
// verb.
var ErrPattern = errors.New("want exactly one %d verb for the sentence number")

// HeatmapPaths names the image files of n sentences in format f (SVG or
// PNG), from out:
//
//   - out formatted with each 1-based sentence number when it holds a %
//     verb ("heat-%03d.png"); other verbs give an error wrapping ErrPattern;
//   - out itself for one sentence, unless out is a directory or ends in a
//     path separator;
//   - otherwise numbered files sentence-0001.svg, ... in the directory out,
//     which HeatmapPaths creates.
func HeatmapPaths(out string, n int, f Format) ([]string, error) {
	paths := make([]string, n)
	if strings.Contains(out, "%") {
		if s := fmt.Sprintf(out, 1); strings.Contains(s, "%!") || s == fmt.Sprintf(out, 2) {
			return nil, fmt.Errorf("output pattern %q: %w", out, ErrPattern)
		}
		for i := range paths {
			paths[i] = fmt.Sprintf(out, i+1)
		}
		return paths, nil
	}
	st, err := os.Stat(out)
	isDir := err == nil && st.IsDir()
	if n == 1 && !isDir && !strings.HasSuffix(out, string(os.PathSeparator)) {
		return []string{out}, nil
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return nil, err
	}
	for i := range paths {
		paths[i] = filepath.Join(out, fmt.Sprintf("sentence-%04d.%s", i+1, f))
	}
	return paths, nil
}

// WriteFile writes ms in format f to the file at path as Write does,
// atomically (see package corpus/atomicfile): a reader sees the old file
// or the complete new one.
func WriteFile(path string, f Format, ms []Matrix, opt Options) error {
	return atomicfile.WriteFile(path, func(w io.Writer) error { return Write(w, f, ms, opt) })
}

// WriteHeatmapFiles writes one heatmap per matrix in format f (SVG or PNG)
// to the files that HeatmapPaths(out, len(ms), f) names, each atomically.
// An error names the 1-based number of the sentence that failed.
func WriteHeatmapFiles(out string, f Format, ms []Matrix, opt HeatmapOptions) error {
	if !f.Image() {
		return fmt.Errorf("heatmap files: %s is not an image format", f)
	}
	paths, err := HeatmapPaths(out, len(ms), f)
	if err != nil {
		return err
	}
	for i, m := range ms {
		err := atomicfile.WriteFile(paths[i], func(w io.Writer) error { return WriteHeatmap(w, f, m, opt) })
		if err != nil {
			return fmt.Errorf("sentence %d: %w", i+1, err)
		}
	}
	return nil
}
