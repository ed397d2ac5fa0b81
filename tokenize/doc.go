// Package tokenize splits text into subword tokens for translation models.
//
// It trains byte-level BPE vocabularies (Train, Trainer), stores them as
// HuggingFace tokenizer.json files, and encodes and decodes text through
// github.com/sugarme/tokenizer loading those files.
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
// Encode and Decode run sugarme's pipeline (BPE model, offset tracking,
// ByteLevel decoder) as its pretrained loader builds it from the file
// (FromJSON builds it from the tables it has checked, without decoding
// the file again), with three changes, each checked by tests against sugarme's own behaviour: the
// added tokens are not registered (see above); the ByteLevel pre-tokenizer
// is replaced by an equivalent one that does not compile a regular
// expression for every text (about 6 times faster); and the offsets of a
// text holding a NUL byte are computed from the tokens, since sugarme's go
// wrong after a NUL.
//
// # Words
//
// Encoding.Words maps every token to the index of the whitespace-separated
// word of the input it belongs to (the words of strings.Fields), which lets
// subword alignments be summed to word alignments.
package tokenize
