package shard

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/atomicfile"
)

// DefaultCheckpointEvery is how often a Job records its progress by default.
const DefaultCheckpointEvery = 5 * time.Second

// Options configure a Job.
type Options struct {
	Input  string // the file to split, plain or gzip
	Output string // the merged output: the shard writes OutputName(Output, Spec)
	Spec   Spec
	// ByLines splits a plain file by lines (counting them) rather than
	// by bytes, for inputs that must be cut at the same lines as another.
	ByLines bool
	// Settings is whatever else determines the output (see Header).
	Settings string
	// CheckpointEvery is the least time between two progress records;
	// 0 means DefaultCheckpointEvery, a negative value records at every
	// line boundary of the output.
	CheckpointEvery time.Duration
}

// Job is one shard being processed: Reader gives its input lines and the
// Job is the writer of its output, which must be one line per input line.
// End with Commit, or Close to stop and leave it to resume.
type Job struct {
	hdr     Header
	every   time.Duration
	output  string
	in      io.Closer
	r       *lineReader
	out     *os.File // the partial file
	resumed int64    // lines done before this run

	lines, bytes int64 // output written, resumed part included
	endsLine     bool  // the output ends at a line boundary
	checkpointed time.Time
	err          error // the first write or checkpoint error
	done         bool  // committed or closed
}

// Open plans shard opt.Spec of opt.Input and starts it, or resumes it if a
// progress file of the same shard, input and settings is found with its
// partial file.
func Open(opt Options) (*Job, error) {
	in, rng, err := Plan(opt.Input, opt.Spec, opt.ByLines)
	if err != nil {
		return nil, err
	}
	j := &Job{
		hdr:    Header{Shard: opt.Spec.Index, Shards: opt.Spec.Count, Input: in, Range: rng, Settings: opt.Settings},
		every:  opt.CheckpointEvery,
		output: OutputName(opt.Output, opt.Spec),
	}
	if j.every == 0 {
		j.every = DefaultCheckpointEvery
	}
	if err := j.openOutput(); err != nil {
		return nil, err
	}
	if err := j.openInput(opt.Input); err != nil {
		j.out.Close()
		return nil, err
	}
	if err := j.Checkpoint(); err != nil {
		j.abandon()
		return nil, err
	}
	return j, nil
}

// openOutput opens the partial file, truncated to the last checkpoint
// when the progress file matches, else empty.
func (j *Job) openOutput() error {
	partial := partialName(j.output)
	if p, ok := j.readProgress(); ok {
		f, err := os.OpenFile(partial, os.O_RDWR, 0o644)
		if err == nil {
			if n, err := countPrefix(f, p.OutputBytes); err == nil && n == p.Lines {
				if err := f.Truncate(p.OutputBytes); err != nil {
					f.Close()
					return fmt.Errorf("resume %s: %w", j.output, err)
				}
				if _, err := f.Seek(p.OutputBytes, io.SeekStart); err != nil {
					f.Close()
					return fmt.Errorf("resume %s: %w", j.output, err)
				}
				j.out, j.resumed, j.lines, j.bytes, j.endsLine = f, p.Lines, p.Lines, p.OutputBytes, true
				return nil
			}
			f.Close()
		}
	}
	f, err := os.OpenFile(partial, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("start %s: %w", j.output, err)
	}
	j.out, j.endsLine = f, true
	return nil
}

// readProgress reads the progress file, if it is of this very shard.
func (j *Job) readProgress() (progress, bool) {
	data, err := os.ReadFile(progressName(j.output))
	if err != nil {
		return progress{}, false
	}
	p, err := parseProgress(data)
	return p, err == nil && p.same(j.hdr)
}

// countPrefix counts the newlines in the first n bytes of f; it fails if f
// is shorter or those bytes do not end with a newline.
func countPrefix(f *os.File, n int64) (int64, error) {
	var lines int64
	buf := make([]byte, 256<<10)
	var last byte = '\n'
	for off := int64(0); off < n; {
		k, err := f.ReadAt(buf[:min(int64(len(buf)), n-off)], off)
		lines += int64(bytes.Count(buf[:k], []byte{'\n'}))
		if k > 0 {
			last = buf[k-1]
		}
		off += int64(k)
		if err != nil && off < n {
			return 0, err
		}
	}
	if last != '\n' {
		return 0, errors.New("not at a line boundary")
	}
	return lines, nil
}

// openInput opens the shard's lines after the ones already done.
func (j *Job) openInput(path string) error {
	if j.hdr.Unit == Bytes {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		br := bufio.NewReaderSize(io.NewSectionReader(f, j.hdr.Start, j.hdr.End-j.hdr.Start), 64<<10)
		if err := skip(br, j.resumed, path); err != nil {
			f.Close()
			return err
		}
		j.in, j.r = f, &lineReader{br: br, limit: -1}
		return nil
	}
	rc, err := corpus.Open(path)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(rc, 64<<10)
	if err := skip(br, j.hdr.Start+j.resumed, path); err != nil {
		rc.Close()
		return err
	}
	j.in, j.r = rc, &lineReader{br: br, limit: j.hdr.End - j.hdr.Start - j.resumed}
	return nil
}

// skip reads n lines of br, failing if there are fewer (the file changed).
func skip(br *bufio.Reader, n int64, path string) error {
	got, err := skipLines(br, n)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if got < n {
		return fmt.Errorf("read %s: %d lines where %d were expected: did the file change?", path, got, n)
	}
	return nil
}

// Header returns the shard's header.
func (j *Job) Header() Header { return j.hdr }

// OutputPath returns the name of the shard's output.
func (j *Job) OutputPath() string { return j.output }

// Resumed returns the number of lines done by earlier runs, which Reader
// skips.
func (j *Job) Resumed() int64 { return j.resumed }

// Lines returns the number of output lines written, those of earlier runs
// included.
func (j *Job) Lines() int64 { return j.lines }

// Reader returns the shard's input lines not done yet.
func (j *Job) Reader() io.Reader { return j.r }

// LineName returns how to name the input lines that Reader gives in
// messages, "NAME:N" with N counted from first: the input's name and the
// line number in it for a line split, or the input and the shard's first
// byte, with line numbers counted from there, for a byte split.
func (j *Job) LineName() (name string, first int64) {
	if j.hdr.Unit == Lines {
		return j.hdr.Name, j.hdr.Start + j.resumed + 1
	}
	return fmt.Sprintf("%s (shard %s, from byte %d)", j.hdr.Name, j.hdr.Spec(), j.hdr.Start), j.resumed + 1
}

// Write appends to the output, recording the progress when it ends at a
// line boundary and the last record is old enough.
func (j *Job) Write(p []byte) (int, error) {
	if j.err != nil {
		return 0, j.err
	}
	if j.done {
		return 0, fmt.Errorf("write %s: %w", j.output, os.ErrClosed)
	}
	n, err := j.out.Write(p)
	j.bytes += int64(n)
	j.lines += int64(bytes.Count(p[:n], []byte{'\n'}))
	if n > 0 {
		j.endsLine = p[n-1] == '\n'
	}
	if err != nil {
		j.err = fmt.Errorf("write %s: %w", j.output, err)
		return n, j.err
	}
	if j.endsLine && time.Since(j.checkpointed) >= j.every {
		if err := j.Checkpoint(); err != nil {
			j.err = err
			return n, err
		}
	}
	return n, nil
}

// Checkpoint syncs the output written so far and records it in the
// progress file, atomically. It does nothing unless the output ends at a
// line boundary.
func (j *Job) Checkpoint() error {
	if !j.endsLine {
		return nil
	}
	if err := j.out.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", partialName(j.output), err)
	}
	data, err := marshal(progress{Format: progressFormat, Header: j.hdr, Lines: j.lines, OutputBytes: j.bytes})
	if err != nil {
		return fmt.Errorf("record progress of %s: %w", j.output, err)
	}
	err = atomicfile.WriteFile(progressName(j.output), func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return fmt.Errorf("record progress of %s: %w", j.output, err)
	}
	j.checkpointed = time.Now()
	return nil
}

// Commit ends the shard: it checks that the output has one line per input
// line, renames it into place and writes its sidecar. An old output and
// sidecar of the same shard are replaced.
func (j *Job) Commit() error {
	if j.done {
		return fmt.Errorf("commit %s: already done", j.output)
	}
	if j.err != nil {
		return j.err
	}
	if _, err := io.Copy(io.Discard, j.r); err != nil { // normally at its end already
		return fmt.Errorf("read %s: %w", j.hdr.Name, err)
	}
	if in := j.resumed + j.r.lines; j.lines != in || !j.endsLine {
		return fmt.Errorf("commit %s: %d output lines for %d input lines", j.output, j.lines, in)
	}
	if j.hdr.Unit == Lines && j.lines != j.hdr.End-j.hdr.Start {
		return fmt.Errorf("commit %s: %d lines where the range has %d: did %s change?", j.output, j.lines, j.hdr.End-j.hdr.Start, j.hdr.Name)
	}
	j.done = true
	j.in.Close()
	partial, sidecar := partialName(j.output), SidecarName(j.output)
	if err := errors.Join(j.out.Sync(), j.out.Close()); err != nil {
		return fmt.Errorf("write %s: %w", partial, err)
	}
	if err := os.Remove(sidecar); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replace %s: %w", sidecar, err)
	}
	if err := os.Rename(partial, j.output); err != nil {
		return fmt.Errorf("commit %s: %w", j.output, err)
	}
	atomicfile.SyncDir(filepath.Dir(j.output))
	data, err := marshal(Sidecar{Format: SidecarFormat, Header: j.hdr, Lines: j.lines, OutputBytes: j.bytes})
	if err != nil {
		return fmt.Errorf("write %s: %w", sidecar, err)
	}
	if err := atomicfile.WriteFile(sidecar, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}); err != nil {
		return err
	}
	os.Remove(progressName(j.output))
	return nil
}

// Close stops the shard unfinished: it records the progress at the last
// line boundary and closes the files, leaving the partial and progress
// files for a later Open to resume. It does nothing after Commit or Close.
func (j *Job) Close() error {
	if j.done {
		return nil
	}
	var err error
	if j.err == nil {
		err = j.Checkpoint()
	}
	j.abandon()
	return err
}

// abandon closes the files without recording anything.
func (j *Job) abandon() {
	j.done = true
	j.in.Close()
	j.out.Close()
}
