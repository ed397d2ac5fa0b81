// Package corpus reads, filters, shuffles and batches parallel text for
// training translation models. It knows nothing of models or tokenizers: it
// works on strings and on integer id sequences that the caller provides.
//
// # Reading
//
// A parallel corpus is either two aligned files, one sentence per line (line
// i of the source file translates line i of the target file), or one TSV
// file with a source<TAB>target pair per line. Files may be plain text or
// gzip; gzip is detected by its magic bytes, not by the file name. Readers
// stream: they hold one line per file in memory.
//
//	r, err := corpus.OpenParallel("train.de.gz", "train.en.gz")
//	if err != nil { ... }
//	defer r.Close()
//	for r.Next() {
//		p := r.Pair() // p.Src, p.Tgt, p.Line (1-based)
//	}
//	if err := r.Err(); err != nil { ... }
//
// Lines end with "\n" or "\r\n"; a missing final newline is accepted and a
// UTF-8 byte order mark at the start of a file is dropped. Errors about the
// input name the file and the 1-based line: a *LineError for a bad line
// (invalid UTF-8, a TSV line without exactly one tab, a line longer than
// MaxLineBytes, a corrupt gzip stream) and a *MismatchError when one file of
// a pair has more lines than the other. The InvalidUTF8 field of a reader
// chooses whether invalid UTF-8 is an error (the default), skips the line or
// pair, or is replaced by U+FFFD; skipped and replaced lines are counted.
//
// A LineReader streams a single file (for example a file to translate), and
// ReadParallel and ReadTSV load a small corpus into a []Pair. A LineReader
// with ReportLineErrors set does not stop at a line that is too long or not
// valid UTF-8: it returns that line with its *LineError in LineErr and goes
// on.
//
// # Writing
//
// A PairWriter writes pairs to two aligned files or one TSV file (gzip when
// a name ends in ".gz"), atomically and together: Commit syncs every file
// before renaming any, so a reader sees all old files or all new ones (see
// package corpus/atomicfile, which the other writers of the project use).
//
// # Filtering
//
// A Filter drops pairs by minimum and maximum length and by length ratio,
// counting the drops per reason in a Stats. Lengths are whitespace-separated
// words for a Pair and ids for an Example. Filter.Copy streams the kept
// pairs of a reader to a PairWriter; Filter.CopyShuffled writes them in a
// seeded random order.
//
// # Shuffling and batching
//
// Shuffle permutes a slice deterministically from a seed (PCG from
// math/rand/v2). A Batcher groups tokenized Examples into batches under a
// token budget: each epoch it shuffles the examples with a generator seeded
// by (seed, epoch), cuts the shuffled order into large chunks, sorts each
// chunk by length so that a batch holds sentences of similar length, fills
// batches greedily up to the budget and shuffles the order of the batches.
// The same examples, options and epoch always give the same batches, so a
// run can resume in the middle of an epoch by skipping the batches it has
// already seen.
//
// A Batch holds padded row-major id matrices. Shapes use the letters
// B (rows, sentences in the batch), S (padded source length) and
// T (padded target length): Src is [B, S] and Tgt is [B, T].
//
// Known data sets live in sub-packages (corpus/multi30k), verified
// downloads in corpus/fetch, and a helper for tests that use the project's
// shared data directory in corpus/corpustest.
package corpus
