// Package atomicfile writes files atomically: the content goes to a
// temporary file in the destination's directory, which is renamed over the
// destination only when complete, so readers see the old file or the new
// one, never a part.
package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
)

// File is a file being written; it replaces its destination on Commit.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts writing the file at path.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &File{File: f, path: path}, nil
}

// Commit flushes the file to disk and renames it to its destination.
func (f *File) Commit() error {
	if f.done {
		return errors.New("atomicfile: commit after commit or abort")
	}
	f.done = true
	err := errors.Join(f.Sync(), f.Chmod(0o644), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// Abort removes the temporary file; it does nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}
