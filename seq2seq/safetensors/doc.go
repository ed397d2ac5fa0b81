// Package safetensors reads and writes tensors in the safetensors format of
// Hugging Face, so that model weights written by this project can be read by
// Python tools (safetensors.torch.load_file, safetensors.numpy.load_file) and
// the other way round.
//
// # Format
//
// A file is, in order:
//
//   - 8 bytes: N, the length of the header as a little-endian uint64;
//   - N bytes: the header, a UTF-8 JSON object starting with '{', padded at
//     the end with spaces (0x20) so that the data starts at a multiple of 8;
//   - the data buffer: the raw little-endian bytes of every tensor in
//     row-major (C) order, back to back.
//
// Each key of the header names a tensor and maps to an object
//
//	{"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}
//
// where BEGIN and END are byte offsets into the data buffer. The optional
// key "__metadata__" maps to an object of string values only.
//
// # Writing
//
// Write stores all tensors with one DType (F32, F16 or BF16), converting
// from float32 with IEEE round-to-nearest-even, except a tensor whose As
// names its own type (such as I8 for integers, F32 for scales in an F16
// file). It sorts tensors by name,
// lays them out contiguously in that order and lists them in the header in
// the same order after "__metadata__" (whose keys are sorted), so the same
// input always gives the same bytes. WriteFile writes atomically: a
// temporary file in the target directory, synced, then renamed.
//
// # Reading
//
// Read accepts F32, F16 and BF16 tensors and converts them to float32. It
// validates everything before it allocates tensor memory, and reports a
// corrupt file with an error, never a panic: a header length beyond the
// file or above MaxHeaderSize, a header that is not a JSON object or not
// UTF-8, duplicate keys, unknown dtypes, negative or overflowing shapes,
// offsets that do not match the shape, and offsets that overlap, leave gaps
// or do not cover the data buffer exactly.
package safetensors
