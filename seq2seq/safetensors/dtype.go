package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"

	"github.com/x448/float16"
)

// DType is the element type of a stored tensor, named as in the header.
type DType string

// The element types this package reads and writes. Data is always handed
// over as float32; F16 and BF16 are converted with round-to-nearest-even.
// I8 holds integers in [-128, 127] (float32 values are rounded to the
// nearest, ties to even, and clamped); it is written only for tensors that
// ask for it (Tensor.As), never as a file's dtype.
const (
	F32  DType = "F32"  // IEEE 754 binary32
	F16  DType = "F16"  // IEEE 754 binary16
	BF16 DType = "BF16" // bfloat16: the upper 16 bits of a binary32
	I8   DType = "I8"   // signed 8-bit integers
)

// otherDTypes are the dtype names of the format that this package does not
// convert; a file using them is reported as unsupported rather than corrupt.
var otherDTypes = []string{"BOOL", "U8", "F8_E5M2", "F8_E4M3", "I16", "U16", "I32", "U32", "F64", "I64", "U64"}

// Size returns the number of bytes of one element, or 0 for an unknown type.
func (d DType) Size() int {
	switch d {
	case F32:
		return 4
	case F16, BF16:
		return 2
	case I8:
		return 1
	}
	return 0
}

// isFloat reports whether d is a floating-point type: one a whole file
// may be written as.
func (d DType) isFloat() bool { return d == F32 || d == F16 || d == BF16 }

// encode writes src to dst (len(dst) == len(src)*d.Size()) little-endian.
func (d DType) encode(dst []byte, src []float32) {
	switch d {
	case F32:
		for i, v := range src {
			binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
		}
	case F16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], float16.Fromfloat32(v).Bits())
		}
	case BF16:
		for i, v := range src {
			binary.LittleEndian.PutUint16(dst[2*i:], toBF16(v))
		}
	case I8:
		for i, v := range src {
			dst[i] = uint8(int8(max(-128, min(127, math.RoundToEven(float64(v))))))
		}
	}
}

// Decode fills dst from the little-endian elements of type d in src, as
// ReadTensor converts them; src must hold len(dst)*d.Size() bytes (more
// are ignored).
func (d DType) Decode(dst []float32, src []byte) {
	if len(src) < len(dst)*d.Size() {
		panic(fmt.Sprintf("safetensors: %d bytes of %s decoded into %d values", len(src), d, len(dst)))
	}
	d.decode(dst, src)
}

// decode fills dst from the little-endian elements in src
// (len(src) == len(dst)*d.Size()).
func (d DType) decode(dst []float32, src []byte) {
	switch d {
	case F32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case F16:
		tab := f16Table()
		src = src[:2*len(dst)]
		for i := range dst {
			dst[i] = tab[uint16(src[2*i])|uint16(src[2*i+1])<<8]
		}
	case BF16:
		for i := range dst {
			dst[i] = fromBF16(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case I8:
		for i := range dst {
			dst[i] = float32(int8(src[i]))
		}
	}
}

// f16Table maps every float16 bit pattern to its float32 value: one
// load per element instead of a conversion, which makes decoding a
// half-precision model file several times faster.
var f16Table = sync.OnceValue(func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for h := range t {
		t[h] = float16.Frombits(uint16(h)).Float32()
	}
	return &t
})

// toBF16 rounds v to bfloat16, to nearest with ties to even. NaNs stay NaN
// (quiet, with their sign); overflow rounds to infinity as in IEEE 754.
func toBF16(v float32) uint16 {
	b := math.Float32bits(v)
	if b&0x7fffffff > 0x7f800000 { // NaN
		return uint16(b>>16) | 0x0040
	}
	b += 0x7fff + (b>>16)&1
	return uint16(b >> 16)
}

// fromBF16 widens a bfloat16 to float32 exactly.
func fromBF16(h uint16) float32 {
	return math.Float32frombits(uint32(h) << 16)
}

// Round returns the values of src as a file of dtype stores them (src
// itself for F32): what reading them back gives.
func Round(dtype DType, src []float32) []float32 {
	if dtype == F32 || dtype.Size() == 0 {
		return src
	}
	out := make([]float32, len(src))
	buf := make([]byte, len(src)*dtype.Size())
	dtype.encode(buf, src)
	dtype.decode(out, buf)
	return out
}
