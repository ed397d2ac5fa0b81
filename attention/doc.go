// Package attention implements the soft attention mechanisms of the
// translation model as float32 kernels with explicit forward and backward
// passes: Bahdanau's additive attention and Luong's dot and general scores,
// the length-masked softmax that turns scores into weights, and the
// weighted context.
//
// The work is split the way the decoder uses it: the memory (the encoder
// states) is projected into keys once per batch with Project, and every
// decoder step scores its queries against those keys with Score. Memory and
// keys are time-major: row s*B+b holds position s of sentence b. Scores and
// weights are batch-major: row b holds the S positions of sentence b.
// Positions at or past a sentence's length get exactly zero weight.
//
// Shapes in comments: B batch, S source length, M memory width, Q query
// width, K key width, A additive attention size.
package attention
