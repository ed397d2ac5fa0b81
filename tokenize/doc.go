// Package tokenize splits text into subword tokens for translation models.
//
// It trains byte-level BPE vocabularies (Train, Trainer), stores them as
// HuggingFace tokenizer.json files, and encodes and decodes text with
// github.com/sugarme/tokenizer's BPE model and decoder built from those
// files (see the sugarme section).
//
// # Model
//
// A tokenizer is a GPT-2 style byte-level BPE:
//
//   - ids 0..3 are the special tokens PadToken, UnkToken, BOSToken and
//     EOSToken (PadID, UnkID, BOSID, EOSID);
//   - ids 4..259 are the 256 bytes, each written as one printable character
//     (the GPT-2 byte-to-unicode table: 'Ġ' is the space byte);
//   - ids 260 and up are the merged tokens, in the order they were learned.
//
// Text is first split into pieces the way the HuggingFace ByteLevel
// pre-tokenizer (without prefix space) and sugarme's port of it do:
// English contractions ('s 't 're 've 'm 'll 'd), runs of letters, runs of
// digits and runs of other symbols, each optionally preceded by one space;
// whitespace that starts no piece is a piece of its own. BPE merges never
// cross piece boundaries. Since every byte has a token, no text is unknown:
// UnkID is never produced, and Decode(Encode(x).IDs) == x for every valid
// UTF-8 string x, including empty strings, NUL bytes, emoji and CJK text.
//
// Special tokens are never matched inside input text: a literal "<s>" in a
// sentence is encoded as ordinary subwords (HuggingFace tokenizers loading
// the file do match it, as they do all special tokens). Encode never adds
// BOS or EOS (the model adds them). Decode drops special ids.
//
// # Training
//
// A Trainer counts the pieces of its text, then repeatedly merges the most
// frequent adjacent pair of tokens (ties going to the pair of smaller ids)
// until the vocabulary has TrainOptions.VocabSize tokens or no pair occurs
// TrainOptions.MinFrequency times. It never learns a token spelled like a
// special token. Pair frequencies are updated locally after each merge, so
// training on Multi30k's 58,000 German and English lines takes a fraction of
// a second. The result depends only on the text: ids are deterministic.
// Train one tokenizer on both languages for a joint vocabulary, or one per
// language.
//
// # Invalid UTF-8
//
// Invalid UTF-8 never reaches sugarme's pipeline. Encode returns an error
// wrapping ErrInvalidUTF8; callers that read files add the file and line.
// RepairUTF8 replaces each invalid byte sequence with U+FFFD instead, and
// TrainOptions.RepairUTF8 does that during training and counts the lines.
//
// # Files
//
// Save and JSON produce a HuggingFace tokenizer.json (model type BPE,
// ByteLevel pre-tokenizer and decoder, the special tokens in added_tokens),
// loadable by HuggingFace tokenizers and by sugarme's pretrained.FromFile.
// Load and FromJSON accept only files of this shape and check them fully, so
// a damaged file gives an error, never a panic.
//
// # sugarme
//
// The Tokenizer holds sugarme's tokenizer as its pretrained loader builds
// it from the file (FromJSON builds it from the tables it has checked,
// without decoding the file again), with the added tokens not registered
// (see above). sugarme merges and decodes; this package pre-tokenizes,
// caches and keeps the offsets:
//
//   - Encode splits the text into pieces itself (splitPieces, the ByteLevel
//     pre-tokenizer's pattern without a regular expression, pieces bounded
//     by MaxPieceBytes), writes each piece in the byte-level alphabet and
//     has sugarme's BPE model merge it (BPE.MergeWord). The token ids of a
//     piece are kept in a cache of the Tokenizer, safe for concurrent use
//     and bounded: at most 65,536 pieces of at most 64 bytes (longer ones
//     are merged every time; once the cache is full, so are new pieces),
//     about 8 MiB when full of words. The tokens' pieces are the
//     vocabulary's strings and their offsets their bytes widened to whole
//     characters, as sugarme maps them back to the text. So Encode skips
//     sugarme's per-text pipeline (NormalizedString, PreTokenizedString,
//     offset conversions), which made about 1,000 allocations a sentence:
//     with its pieces cached, a sentence costs four allocations (the
//     slices of the Encoding) and a few microseconds. A piece not yet
//     cached costs sugarme's MergeWord, which also seeds a random source
//     for BPE dropout on every call, even without dropout: a Multi30k line
//     of new pieces is about 17 times as slow as one whose pieces are
//     cached (BenchmarkEncodeMulti30k, cold against fast).
//   - Decode runs sugarme's ByteLevel decoder.
//
// Tests check that Encode gives exactly what sugarme's whole pipeline
// gives (ids, pieces, offsets and words), on awkward strings, on
// Multi30k's and Tatoeba's text with several tokenizers, and under
// fuzzing. That pipeline is kept as the reference, with two changes, also
// checked by tests against sugarme's own behaviour: its ByteLevel
// pre-tokenizer is replaced by an equivalent one that does not compile a
// regular expression for every text; and the offsets of a text holding a
// NUL byte are computed from the tokens, since sugarme's go wrong after a
// NUL.
//
// # Words
//
// Encoding.Words maps every token to the index of the whitespace-separated
// word of the input it belongs to (the words of strings.Fields), which lets
// subword alignments be summed to word alignments.
package tokenize
