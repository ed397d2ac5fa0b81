package corpus

import (
	"errors"
	"io"
	"strings"
)

// Pair is one sentence pair of a parallel corpus.
type Pair struct {
	Src, Tgt string
	Line     int // 1-based line number in the input file(s)
}

// PairReader streams the sentence pairs of two aligned files or of one TSV
// file. Set its exported fields before the first call to Next.
type PairReader struct {
	// InvalidUTF8 says what to do with a pair where either side is not
	// valid UTF-8; UTF8Skip drops the whole pair.
	InvalidUTF8 UTF8Policy
	// MaxLineBytes is the longest accepted line; 0 means DefaultMaxLineBytes.
	MaxLineBytes int

	src, tgt *LineReader // tgt is nil for a TSV file
	pair     Pair
	err      error
	utf8     utf8Check
}

// OpenParallel opens two aligned files, plain or gzip, where line i of tgt
// translates line i of src.
func OpenParallel(src, tgt string) (*PairReader, error) {
	s, err := OpenLines(src)
	if err != nil {
		return nil, err
	}
	t, err := OpenLines(tgt)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &PairReader{src: s, tgt: t}, nil
}

// OpenTSV opens a plain or gzip file of source<TAB>target lines.
func OpenTSV(path string) (*PairReader, error) {
	s, err := OpenLines(path)
	if err != nil {
		return nil, err
	}
	return &PairReader{src: s}, nil
}

// NewParallelReader returns a PairReader of two aligned streams, plain or
// gzip; the names are used in error messages.
func NewParallelReader(src io.Reader, srcName string, tgt io.Reader, tgtName string) *PairReader {
	return &PairReader{src: NewLineReader(src, srcName), tgt: NewLineReader(tgt, tgtName)}
}

// NewTSVReader returns a PairReader of a stream of source<TAB>target lines,
// plain or gzip; the name is used in error messages.
func NewTSVReader(r io.Reader, name string) *PairReader {
	return &PairReader{src: NewLineReader(r, name)}
}

// Next advances to the next pair and reports whether there is one. It
// returns false at the end of the input or on an error, which Err returns.
func (r *PairReader) Next() bool {
	for r.err == nil {
		src, tgt, ok := r.nextRaw()
		if !ok {
			return false
		}
		texts := [2]string{src, tgt}
		keep, bad := r.utf8.apply(r.InvalidUTF8, texts[:])
		if keep {
			r.pair = Pair{Src: texts[0], Tgt: texts[1], Line: r.src.line}
			return true
		}
		if bad >= 0 {
			name := r.src.name
			if bad == 1 && r.tgt != nil {
				name = r.tgt.name
			}
			r.err = &LineError{File: name, Line: r.src.line, Err: ErrInvalidUTF8}
		}
	}
	return false
}

// nextRaw reads the next pair without checking its encoding.
func (r *PairReader) nextRaw() (src, tgt string, ok bool) {
	r.src.MaxLineBytes = r.MaxLineBytes
	if r.tgt == nil {
		line, tooLong, ok := r.src.nextRaw()
		if tooLong {
			r.err = &LineError{File: r.src.name, Line: r.src.line, Err: r.src.tooLong()}
			return "", "", false
		}
		if !ok {
			r.err = r.src.err
			return "", "", false
		}
		src, tgt, found := strings.Cut(line, "\t")
		if !found || strings.Contains(tgt, "\t") {
			r.err = &LineError{File: r.src.name, Line: r.src.line, Err: ErrFieldCount}
			return "", "", false
		}
		return src, tgt, true
	}
	r.tgt.MaxLineBytes = r.MaxLineBytes
	src, longS, okS := r.src.nextRaw()
	tgt, longT, okT := r.tgt.nextRaw()
	switch {
	case r.src.err != nil:
		r.err = r.src.err
	case r.tgt.err != nil:
		r.err = r.tgt.err
	case longS:
		r.err = &LineError{File: r.src.name, Line: r.src.line, Err: r.src.tooLong()}
	case longT:
		r.err = &LineError{File: r.tgt.name, Line: r.tgt.line, Err: r.tgt.tooLong()}
	case okS && !okT:
		r.err = &MismatchError{Src: r.src.name, Tgt: r.tgt.name, Longer: r.src.name, Line: r.src.line}
	case okT && !okS:
		r.err = &MismatchError{Src: r.src.name, Tgt: r.tgt.name, Longer: r.tgt.name, Line: r.tgt.line}
	}
	return src, tgt, okS && okT && r.err == nil
}

// Pair returns the current pair.
func (r *PairReader) Pair() Pair { return r.pair }

// Err returns the error that stopped Next, or nil at the end of the input.
func (r *PairReader) Err() error { return r.err }

// Skipped returns the number of pairs dropped for invalid UTF-8.
func (r *PairReader) Skipped() int { return r.utf8.skipped }

// Replaced returns the number of pairs whose invalid UTF-8 was replaced.
func (r *PairReader) Replaced() int { return r.utf8.replaced }

// Close closes the files opened by OpenParallel or OpenTSV.
func (r *PairReader) Close() error {
	err := r.src.Close()
	if r.tgt != nil {
		err = errors.Join(err, r.tgt.Close())
	}
	return err
}

// ReadAll reads the remaining pairs of r.
func ReadAll(r *PairReader) ([]Pair, error) {
	var pairs []Pair
	for r.Next() {
		pairs = append(pairs, r.Pair())
	}
	return pairs, r.Err()
}

// ReadParallel reads all pairs of two aligned files; it is meant for
// corpora that fit in memory.
func ReadParallel(src, tgt string) ([]Pair, error) {
	r, err := OpenParallel(src, tgt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadAll(r)
}

// ReadTSV reads all pairs of a source<TAB>target file; it is meant for
// corpora that fit in memory.
func ReadTSV(path string) ([]Pair, error) {
	r, err := OpenTSV(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return ReadAll(r)
}
