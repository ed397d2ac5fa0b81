package corpus

import (
	"errors"
	"fmt"
)

// Errors about the content of an input line, wrapped in a *LineError.
var (
	// ErrInvalidUTF8 reports a line that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrLineTooLong reports a line longer than the reader's MaxLineBytes.
	ErrLineTooLong = errors.New("line too long")
	// ErrFieldCount reports a TSV line that does not hold exactly two
	// tab-separated fields.
	ErrFieldCount = errors.New("want 2 tab-separated fields (source<TAB>target)")
)

// LineError is an error about one line of an input file.
type LineError struct {
	File string // file name as given to the reader
	Line int    // 1-based line number
	Err  error  // what is wrong
}

// Error returns "file:line: message".
func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// MismatchError reports two files of a parallel corpus with different
// numbers of lines.
type MismatchError struct {
	Src, Tgt string // the source and target file names
	Longer   string // the file that has the unmatched line (Src or Tgt)
	Line     int    // first unmatched line of Longer, 1-based
}

// Error names both files and the first unmatched line.
func (e *MismatchError) Error() string {
	shorter := e.Src
	if e.Longer == e.Src {
		shorter = e.Tgt
	}
	return fmt.Sprintf("line count mismatch between %s and %s: %s ends after %d lines, first unmatched line is %s:%d",
		e.Src, e.Tgt, shorter, e.Line-1, e.Longer, e.Line)
}
