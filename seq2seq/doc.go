// Package seq2seq is the attentional LSTM encoder-decoder: its configuration,
// parameters, training computation (as a gorgonia graph of fused operations)
// and the incremental decoder that search runs on.
//
// Shapes in comments use these letters: B batch size, S source length
// (including the closing </s>), T target length (including </s>), E embedding
// size, H encoder hidden size per direction, D decoder hidden size, A
// attention size, V vocabulary size.
//
// Token ids follow package tokenize: 0 is padding, 1 <unk>, 2 <s>, 3 </s>.
// Callers pass sentences as id sequences without special tokens; the model
// appends </s> to sources and wraps targets in <s> ... </s> itself.
package seq2seq
