// Package eval scores translations and word alignments.
//
// # BLEU and chrF
//
// The BLEU and chrF scores are those of sacreBLEU 2.6.0, reproduced
// exactly rather than approximately: a number that differs from
// sacreBLEU's is worse than none.
//
// BLEU ([CorpusBLEU], [SentenceBLEU], [BLEUScorer]) is corpus BLEU with
// sacreBLEU's defaults: segments are optionally lowercased with Python's
// str.lower, tokenized with the mteval-v13a tokenizer ([Tokenize13a]) or
// split on whitespace only ([TokNone]); n-grams of order 1 to 4 are clipped
// against the maximum count over the references; the brevity penalty uses
// the corpus hypothesis length and the sum of the closest reference lengths
// (ties go to the shorter reference); precisions whose match count is zero
// are smoothed with the "exp" method (1/2^k of a match) unless another
// [Smoothing] is chosen; with EffectiveOrder the geometric mean stops at the
// highest order the hypothesis has n-grams of (the sacreBLEU sentence-BLEU
// setting).
//
// chrF ([CorpusChrF], [SentenceChrF], [ChrFScorer]) counts character
// n-grams of order 1 to 6 with whitespace removed and, for chrF++, word
// n-grams of order 1 and 2 after splitting one punctuation mark off the end
// (or else the start) of each word. Match statistics are summed over the
// corpus; precision and recall are averaged over the orders that occur in
// both hypothesis and reference, and combined into an F-score with β = 2.
// With several references a segment takes the statistics of the reference
// with the best segment F-score.
//
// Whitespace, lowercasing and splitting follow Python's definitions
// (str.split, str.isspace, str.lower including final sigma), so scores
// agree with sacreBLEU on any Unicode input, not just ASCII. A segment whose
// references are all empty is an error ([ErrEmptyReference]), as in
// sacreBLEU, and so is a corpus with no segments ([ErrNoSegments]).
//
// Scores come with a sacreBLEU-style signature, for example
//
//	nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+attnmt
//	nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0+attnmt
//
// whose fields have sacreBLEU's meaning. The version field is
// [SignatureVersion]: the sacreBLEU release the numbers are identical to,
// tagged "+attnmt" to say that this package, not sacreBLEU, computed them.
//
// Scoring is streaming: a [BLEUScorer] or [ChrFScorer] holds only summed
// counts, so a corpus of any size is scored in one pass; n-grams are
// packed into exact fixed-size keys counted in reusable hash tables, so a
// million sentence pairs take seconds (see the benchmarks). [Evaluator]
// runs several metrics at once, and [LineReader] and [ReadParallel] read
// files exactly as the sacreBLEU command line does.
//
// # Alignment error rate
//
// [ParseAlignments] reads word alignments, one sentence per line, in the
// Pharaoh form ("0-1 1-2") and the talp form, where "i-j" is a sure link
// and "i?j" or "ipj" a possible one; indices are 0-based or 1-based.
// [AER] computes precision, recall and the alignment error rate of Och and
// Ney (2003) against gold alignments:
//
//	AER = 1 - (|A∩S| + |A∩P|) / (|A| + |S|)
//
// where A is the predicted links, S the sure gold links and P the sure and
// possible gold links, all counts summed over the corpus.
package eval
