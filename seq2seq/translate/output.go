package translate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Output is a file written atomically: the data goes to a temporary file
// in the same directory, renamed to the final name by Commit. Until then
// (and after Abort) a file of that name is left as it was.
type Output struct {
	f    *os.File
	path string
}

// CreateOutput starts writing the file at path.
func CreateOutput(path string) (*Output, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &Output{f: f, path: path}, nil
}

// Write writes to the temporary file.
func (o *Output) Write(p []byte) (int, error) { return o.f.Write(p) }

// Commit flushes the data to disk and renames the file to its final name.
func (o *Output) Commit() error {
	if o.f == nil {
		return errors.New("commit " + o.path + ": already closed")
	}
	tmp := o.f.Name()
	err := o.f.Sync()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	o.f = nil
	if err == nil {
		err = os.Chmod(tmp, 0o644) // CreateTemp makes it 0600
	}
	if err == nil {
		err = os.Rename(tmp, o.path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", o.path, err)
	}
	return nil
}

// Abort removes the temporary file; it does nothing after Commit.
func (o *Output) Abort() {
	if o.f == nil {
		return
	}
	o.f.Close()
	os.Remove(o.f.Name())
	o.f = nil
}
