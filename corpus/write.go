package corpus

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

// PairWriter writes sentence pairs to two aligned files or one TSV file,
// atomically: the files appear, complete, on Commit. Files whose names end
// in ".gz" are gzip-compressed.
type PairWriter struct {
	files []*sink // one for TSV, two for parallel files
	tabs  int     // TSV pairs whose tabs were written as spaces
}

// sink is one output file with its buffering and compression.
type sink struct {
	f  *atomicfile.File
	gz *gzip.Writer
	w  *bufio.Writer
}

func newSink(path string) (*sink, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	s := &sink{f: f}
	var w io.Writer = f
	if strings.HasSuffix(path, ".gz") {
		s.gz = gzip.NewWriter(f)
		w = s.gz
	}
	s.w = bufio.NewWriterSize(w, 64<<10)
	return s, nil
}

// flush writes out the buffer and the gzip trailer.
func (s *sink) flush() error {
	err := s.w.Flush()
	if s.gz != nil {
		err = errors.Join(err, s.gz.Close())
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", s.f.Name(), err)
	}
	return nil
}

// CreateParallel starts writing pairs to two aligned files.
func CreateParallel(src, tgt string) (*PairWriter, error) {
	s, err := newSink(src)
	if err != nil {
		return nil, err
	}
	t, err := newSink(tgt)
	if err != nil {
		s.f.Abort()
		return nil, err
	}
	return &PairWriter{files: []*sink{s, t}}, nil
}

// CreateTSV starts writing pairs to a source<TAB>target file.
func CreateTSV(path string) (*PairWriter, error) {
	s, err := newSink(path)
	if err != nil {
		return nil, err
	}
	return &PairWriter{files: []*sink{s}}, nil
}

// Write writes one pair. It fails on a side holding a line break, which
// would break the alignment of the output. A TSV file cannot hold tabs
// inside a side: they are written as spaces and counted by TabsReplaced.
func (w *PairWriter) Write(p Pair) error {
	if strings.ContainsAny(p.Src, "\r\n") || strings.ContainsAny(p.Tgt, "\r\n") {
		return fmt.Errorf("write pair from line %d: a side contains a line break", p.Line)
	}
	if len(w.files) == 1 {
		if strings.Contains(p.Src, "\t") || strings.Contains(p.Tgt, "\t") {
			w.tabs++
			p.Src, p.Tgt = strings.ReplaceAll(p.Src, "\t", " "), strings.ReplaceAll(p.Tgt, "\t", " ")
		}
		_, err := fmt.Fprintf(w.files[0].w, "%s\t%s\n", p.Src, p.Tgt)
		return err
	}
	if _, err := fmt.Fprintln(w.files[0].w, p.Src); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w.files[1].w, p.Tgt)
	return err
}

// TabsReplaced returns the number of pairs whose tabs were written as
// spaces in a TSV file.
func (w *PairWriter) TabsReplaced() int { return w.tabs }

// Commit completes the files and moves them into place, all or none: every
// file is flushed and synced to disk before any is renamed, and if one
// cannot be, none replaces its destination (see atomicfile.CommitAll).
func (w *PairWriter) Commit() error {
	var err error
	files := make([]*atomicfile.File, len(w.files))
	for i, s := range w.files {
		err = errors.Join(err, s.flush())
		files[i] = s.f
	}
	if err != nil {
		w.Abort()
		return err
	}
	return atomicfile.CommitAll(files...)
}

// Abort removes the unfinished files; it does nothing after Commit.
func (w *PairWriter) Abort() {
	for _, s := range w.files {
		s.f.Abort()
	}
}
