// Package atomicfile writes files atomically, so that a reader (or a
// crash) sees either the old file or the complete new one, never a part.
//
// Create makes a temporary file in the destination's directory (named
// ".NAME.tmp-DIGITS", so it shares the file system and the rename below is
// atomic). The caller writes to it, then Commit
//
//  1. syncs the temporary file to disk (fsync) (the Close step), and
//  2. renames it over the destination and syncs the directory, so that the
//     rename itself survives a crash (best effort: some systems cannot sync
//     a directory).
//
// Abort, or a failed Commit, removes the temporary file and leaves the
// destination as it was. CommitAll commits several files together: all of
// them are closed before any is renamed, and if a rename fails the files
// already renamed are put back.
//
// What the destination is decides what is replaced:
//
//   - a symbolic link is followed (to its final target) and the target is
//     replaced, in the target's directory; the link stays a link;
//   - a path that exists and is not a regular file (a device such as
//     /dev/null or /dev/stdout, a FIFO) is opened and written directly:
//     it cannot be replaced atomically and must not be replaced at all;
//   - a directory is an error, reported by Create, before anything is
//     written;
//   - an existing regular file keeps its permission bits; a new file gets
//     0666 less the process's umask, as with os.Create.
//
// Errors name the path the caller gave, never the temporary file.
//
// Temporary files left by a process that died (kill -9, a crash, a power
// cut) are removed by Create for its own destination, and by RemoveStale
// for any set of names (see stale.go for how a live writer's file is told
// apart from a dead one's).
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
	path     string // destination, as the caller gave it
	target   string // the file replaced: path with symbolic links followed
	direct   bool   // target is not a regular file: f is the target itself
	closed   bool   // the Close step ran
	closeErr error  // its result
	done     bool   // committed or aborted
}

// Create starts writing the file at path. The caller must end with Commit
// or Abort.
func Create(path string) (*File, error) {
	target, err := followLinks(path)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	st, err := os.Stat(target)
	switch {
	case err == nil && st.IsDir():
		return nil, fmt.Errorf("create %s: is a directory", path)
	case err == nil && !st.Mode().IsRegular():
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("create %s: %w", path, withoutPath(err))
		}
		return &File{f: f, path: path, target: target, direct: true}, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("create %s: %w", path, withoutPath(err))
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, func(dest string) bool { return dest == base })
	f, err := createTemp(dir, base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("create %s: no such directory %s", path, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, withoutPath(err))
	}
	if st != nil {
		if err := f.Chmod(st.Mode().Perm()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("create %s: keep the mode of the old file: %w", path, withoutPath(err))
		}
	}
	return &File{f: f, path: path, target: target}, nil
}

// followLinks returns path with symbolic links followed to the final
// target, which need not exist (a link to a new file creates it).
func followLinks(path string) (string, error) {
	for range 255 {
		st, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && st.Mode()&fs.ModeSymlink == 0) {
			return path, nil
		}
		if err != nil {
			return "", withoutPath(err)
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", withoutPath(err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

// withoutPath returns the cause of a *fs.PathError (or *os.LinkError)
// without the path, which may be a temporary file the user never named.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
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
	n, err := f.f.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", f.path, withoutPath(err))
	}
	return n, err
}

// WriteString writes s to the temporary file.
func (f *File) WriteString(s string) (int, error) {
	return f.Write([]byte(s))
}

// Close is the first step of Commit: it syncs the temporary file to disk,
// leaving the destination unchanged. Calling it again returns the same
// result. After Close the caller must still Commit or Abort: Commit then
// only renames. (The file stays open, and locked, until then: see
// stale.go.) A destination written directly (a device, a FIFO) is closed,
// and done: there is nothing to rename.
func (f *File) Close() error {
	if f.done {
		return fmt.Errorf("close %s: commit or abort already done", f.path)
	}
	if !f.closed {
		f.closed = true
		var err error
		if f.direct {
			err = f.f.Close() // devices and FIFOs cannot be synced
		} else {
			err = f.f.Sync()
		}
		if err != nil {
			f.closeErr = fmt.Errorf("write %s: %w", f.path, withoutPath(err))
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
	if f.direct {
		f.done = true
		return nil
	}
	if err := os.Rename(f.f.Name(), f.target); err != nil {
		f.Abort()
		return fmt.Errorf("replace %s: %w", f.path, withoutPath(err))
	}
	f.done = true
	f.f.Close()
	SyncDir(filepath.Dir(f.target))
	return nil
}

// Abort removes the temporary file; it does nothing after Commit or Abort.
// What was written to a destination written directly stays written.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	if f.direct {
		if !f.closed {
			f.f.Close()
		}
		return
	}
	os.Remove(f.f.Name())
	f.f.Close()
}

// CommitAll commits files as a group, such as the two sides of a parallel
// corpus. It first closes every file (see Close); if any fails, it aborts
// them all. Only then does it rename them, in order. If a rename fails, the
// files already renamed are put back: a destination that existed is
// restored from a hard link taken before the renames (where the file system
// supports hard links) and one that did not exist is removed; the rest are
// aborted. Every file is committed or aborted when CommitAll returns.
// Destinations written directly (devices, FIFOs) are done once closed and
// cannot be put back.
func CommitAll(files ...*File) error {
	var err error
	for _, f := range files {
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		abortAll(files)
		return err
	}
	var renamed []*File
	for _, f := range files {
		if f.direct {
			f.done = true
		} else {
			renamed = append(renamed, f)
		}
	}
	files = renamed
	// Keep the old destinations: backup[i] is a hard link to the old file,
	// or "" if there was none (existed[i] false) or it could not be made.
	backup := make([]string, len(files))
	existed := make([]bool, len(files))
	for i, f := range files {
		b := f.f.Name() + ".old"
		switch err := os.Link(f.target, b); {
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
		if err := os.Rename(f.f.Name(), f.target); err != nil {
			abortAll(files[i:])
			return errors.Join(fmt.Errorf("replace %s: %w", f.path, withoutPath(err)), rollback(files[:i], backup, existed))
		}
		f.done = true
		f.f.Close()
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if d := filepath.Dir(f.target); !dirs[d] {
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
			if e := os.Rename(backup[i], f.target); e != nil {
				err = errors.Join(err, fmt.Errorf("restore %s: %w", f.path, e))
			} else {
				backup[i] = ""
			}
		case !existed[i]:
			if e := os.Remove(f.target); e != nil {
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
