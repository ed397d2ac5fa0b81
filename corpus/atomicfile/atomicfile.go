// Package atomicfile writes files atomically, so that a reader (or a
// crash) sees either the old file or the complete new one, never a part.
//
// Create makes a temporary file in the destination's directory (named
// ".NAME.tmp-RANDOM", so it shares the file system and the rename below is
// atomic). The caller writes to it, then Commit
//
//  1. syncs the temporary file to disk (fsync), sets its mode to 0644 and
//     closes it (the Close step), and
//  2. renames it over the destination and syncs the directory, so that the
//     rename itself survives a crash (best effort: some systems cannot sync
//     a directory).
//
// Abort, or a failed Commit, removes the temporary file and leaves the
// destination as it was. CommitAll commits several files together: all of
// them are closed before any is renamed, and if a rename fails the files
// already renamed are put back.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// File is a file being written; it replaces its destination on Commit.
// Its methods are not safe for concurrent use.
type File struct {
	f        *os.File
	path     string // destination
	closed   bool   // the Close step ran
	closeErr error  // its result
	done     bool   // committed or aborted
}

// Create starts writing the file at path. The caller must end with Commit
// or Abort.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{f: f, path: path}, nil
}

// WriteFile writes path atomically with the output of write, which goes
// through a buffer; on any error the destination is left as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Abort()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// Name returns the destination path.
func (f *File) Name() string { return f.path }

// Write writes to the temporary file.
func (f *File) Write(p []byte) (int, error) {
	if f.closed || f.done {
		return 0, fmt.Errorf("write %s: %w", f.path, os.ErrClosed)
	}
	return f.f.Write(p)
}

// WriteString writes s to the temporary file.
func (f *File) WriteString(s string) (int, error) {
	if f.closed || f.done {
		return 0, fmt.Errorf("write %s: %w", f.path, os.ErrClosed)
	}
	return f.f.WriteString(s)
}

// Close is the first step of Commit: it syncs the temporary file to disk,
// sets its mode to 0644 and closes it, leaving the destination unchanged.
// Calling it again returns the same result. After Close the caller must
// still Commit or Abort: Commit then only renames.
func (f *File) Close() error {
	if f.done {
		return fmt.Errorf("close %s: commit or abort already done", f.path)
	}
	if !f.closed {
		f.closed = true
		if err := errors.Join(f.f.Sync(), f.f.Chmod(0o644), f.f.Close()); err != nil {
			f.closeErr = fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return f.closeErr
}

// Commit closes the file (see Close) and renames it over its destination.
// On error the temporary file is removed and the destination is left as it
// was.
func (f *File) Commit() error {
	if err := f.Close(); err != nil {
		f.Abort()
		return err
	}
	if err := os.Rename(f.f.Name(), f.path); err != nil {
		f.Abort()
		return err
	}
	f.done = true
	SyncDir(filepath.Dir(f.path))
	return nil
}

// Abort removes the temporary file; it does nothing after Commit or Abort.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if !f.closed {
		f.closed = true
		f.f.Close()
	}
	os.Remove(f.f.Name())
}

// CommitAll commits files as a group, such as the two sides of a parallel
// corpus. It first closes every file (see Close); if any fails, it aborts
// them all. Only then does it rename them, in order. If a rename fails, the
// files already renamed are put back: a destination that existed is
// restored from a hard link taken before the renames (where the file system
// supports hard links) and one that did not exist is removed; the rest are
// aborted. Every file is committed or aborted when CommitAll returns.
func CommitAll(files ...*File) error {
	var err error
	for _, f := range files {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		abortAll(files)
		return err
	}
	// Keep the old destinations: backup[i] is a hard link to the old file,
	// or "" if there was none (existed[i] false) or it could not be made.
	backup := make([]string, len(files))
	existed := make([]bool, len(files))
	for i, f := range files {
		b := f.f.Name() + ".old"
		switch err := os.Link(f.path, b); {
		case err == nil:
			backup[i], existed[i] = b, true
		case errors.Is(err, fs.ErrNotExist):
		default:
			existed[i] = true
		}
	}
	defer func() {
		for _, b := range backup {
			if b != "" {
				os.Remove(b)
			}
		}
	}()
	for i, f := range files {
		if err := os.Rename(f.f.Name(), f.path); err != nil {
			abortAll(files[i:])
			return errors.Join(err, rollback(files[:i], backup, existed))
		}
		f.done = true
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if d := filepath.Dir(f.path); !dirs[d] {
			dirs[d] = true
			SyncDir(d)
		}
	}
	return nil
}

// rollback puts back the old destinations of the renamed files.
func rollback(renamed []*File, backup []string, existed []bool) error {
	var err error
	for i, f := range renamed {
		switch {
		case backup[i] != "":
			if e := os.Rename(backup[i], f.path); e != nil {
				err = errors.Join(err, fmt.Errorf("restore %s: %w", f.path, e))
			} else {
				backup[i] = ""
			}
		case !existed[i]:
			if e := os.Remove(f.path); e != nil {
				err = errors.Join(err, fmt.Errorf("remove %s: %w", f.path, e))
			}
		default:
			err = errors.Join(err, fmt.Errorf("cannot restore %s: no hard link to its old content", f.path))
		}
	}
	return err
}

func abortAll(files []*File) {
	for _, f := range files {
		f.Abort()
	}
}

// SyncDir syncs a directory so that a rename in it is durable. It is best
// effort: some systems (Windows, some network file systems) cannot.
func SyncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
