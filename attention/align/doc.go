// Package align turns attention matrices into alignment outputs: word-level
// soft matrices, hard word alignments in Pharaoh format, JSON, JSONL and CSV
// exports, SVG and PNG heatmaps and a self-contained HTML report.
//
// # Matrices
//
// A Matrix holds the attention of one sentence pair: one row per output
// token (T rows), one column per source token (S columns), each row the
// decoder's attention distribution at that output step. Tokens are subword
// pieces; SourceWords and TargetWords give, for each piece, the 0-based index
// of the word it belongs to, or -1 for a special token such as "</s>".
//
// Words are the whitespace-separated tokens of the raw line exactly as
// given (strings.Fields): punctuation stays attached, so that word indices
// mean the same thing to every tool that splits the same text on spaces
// and links can be checked against gold alignments made on that text.
//
// # Word level
//
// Matrix.Words maps a subword matrix to words:
//
//   - a source word's weight is the sum of its pieces' weights (attention
//     mass is additive over columns);
//   - an output word's row is, by default, the mean of its pieces' rows
//     (TargetMean), so it stays a distribution; TargetSum adds the rows
//     and TargetFirst takes the row of the word's first piece;
//   - special tokens are dropped unless WordOptions.KeepSpecial is set;
//     after dropping, every row is renormalised to sum to 1 (a row with no
//     mass left stays all zero).
//
// The result is again a Matrix, whose tokens are the words (and kept
// specials), so every exporter works at either level.
//
// # Hard alignments
//
// Argmax links every output word to the source word it attends to most;
// Threshold links every pair whose weight is at least t. Links are
// (source, target) pairs of 0-based word indices; special rows and columns
// never take part. FormatPharaoh writes them as "0-1 2-3", source first,
// sorted by source then target index.
//
// # Exports
//
// Write dispatches on a Format: JSON (an array of sentence objects), JSONL
// (one object a line), CSV (one row per matrix cell, a long table that
// pandas reads with read_csv and pivots with DataFrame.pivot), Pharaoh (one
// line per sentence), HTML (one self-contained report for many sentences),
// and SVG or PNG heatmaps (one sentence per image, see WriteHeatmap).
//
// Heatmaps use gonum.org/v1/plot with the Liberation Sans font built into
// the binary, which covers Latin, Greek and Cyrillic scripts. Characters
// it lacks are drawn with the first fallback font that has them:
// HeatmapOptions.Fonts, for example CJK fonts found by SystemFonts.
//
// A model implements Aligner to produce matrices, by decoding (free
// alignment) or by scoring given translations (forced alignment).
package align
