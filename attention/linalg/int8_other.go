//go:build !amd64 || purego

package linalg

// haveVNNI is false: there is no assembly for this architecture.
const haveVNNI = false

// int8StripVNNI is never called when haveVNNI is false.
func int8StripVNNI(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32) {
	panic("linalg: int8StripVNNI without AVX-512 VNNI")
}

// int8StripAVX2 is never called when haveAVX2FMA is false.
func int8StripAVX2(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32) {
	panic("linalg: int8StripAVX2 without AVX2")
}

func int8AbsMaxBitsAVX512(x []float32) uint32 { panic("linalg: no AVX-512") }

func int8QuantAVX512(x []float32, inv float32, q *int8) int32 { panic("linalg: no AVX-512") }
