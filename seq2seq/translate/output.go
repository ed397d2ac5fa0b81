package translate

import (
	"github.com/attnmt/nmt/corpus/atomicfile"
)

// Output is a file written atomically (see package corpus/atomicfile): the
// data goes to a temporary file in the same directory, synced to disk and
// renamed to the final name by Commit. Until then (and after Abort) a file
// of that name is left as it was.
type Output struct {
	f *atomicfile.File
}

// CreateOutput starts writing the file at path.
func CreateOutput(path string) (*Output, error) {
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, err
	}
	return &Output{f: f}, nil
}

// Write writes to the temporary file.
func (o *Output) Write(p []byte) (int, error) { return o.f.Write(p) }

// Commit flushes the data to disk and renames the file to its final name.
// On error the temporary file is removed.
func (o *Output) Commit() error { return o.f.Commit() }

// Abort removes the temporary file; it does nothing after Commit.
func (o *Output) Abort() { o.f.Abort() }
