// Package shard splits a line-oriented input file into N deterministic
// shards, runs one shard resumably, and merges the shard outputs back into
// one file in input order. It is how a translation of a corpus too big for
// one machine runs as a Kubernetes Indexed Job or a Slurm job array: each
// task processes one shard of the same input on shared storage, and a last
// step merges them.
//
// # Shards
//
// Shard I of N (0-based, see ParseSpec) is a contiguous range of lines, and
// every line is in exactly one shard, whatever N. For a plain file the
// ranges are byte ranges snapped to line starts: shard I starts at the first
// line that starts at or after byte I*size/N, found with a seek and a short
// read, so finding a shard costs no pass over the file. Line numbers of such
// a shard are only known relative to its start (the merge adds them up).
// For a gzip file (detected by its magic bytes) there is no seeking: the
// lines are counted in one decompressing pass, shard I is lines
// I*L/N to (I+1)*L/N, and reaching them decompresses the lines before them.
// Plan with ByLines forces line ranges on a plain file too (when another
// file must be cut at the same lines).
//
// # Running a shard
//
// Open starts (or resumes) the shard job whose output is
// OutputName(out, spec): Reader gives the shard's input lines, and the job
// is the io.Writer of its output, one line per input line. The output
// grows in a partial file of this package's naming (".NAME.partial"); at
// each line boundary, at most every Options.CheckpointEvery, the partial
// file is synced and a progress file (".NAME.progress", written
// atomically) records how many lines and bytes are done. A job opened
// again with the same input, shard and settings truncates the partial file
// to the last recorded point and goes on from the next line, so a killed
// shard restarts where it was and ends with the same bytes as an
// uninterrupted run. Commit checks that the output has one line per input
// line, renames the partial file into place and then writes the sidecar
// (SidecarName: a small JSON file naming the input, the shard, its range,
// its line count and the settings). A shard is complete exactly when its
// sidecar exists: a killed task leaves no file that looks done.
//
// # Merging
//
// Merge reads the sidecars of the shard outputs it is given, checks that
// they are one split of one input with one set of settings, that every
// shard is there exactly once, that their ranges cover the input without
// gap or overlap and that each output still has the lines and bytes its
// sidecar records, and then concatenates them in order, atomically. A
// missing shard is reported by its index and its expected file name, with
// what is known of it (never started, running or killed with K lines done).
package shard
