//go:build amd64 && !purego

package linalg

import "golang.org/x/sys/cpu"

// haveVNNI reports whether the CPU and OS support the AVX-512 instructions
// that int8_amd64.s uses (AVX-512 F, BW and VNNI, with the ZMM state
// enabled by the OS, which x/sys/cpu checks).
var haveVNNI = cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VNNI

// int8StripVNNI is int8StripGeneric on AVX-512 VNNI; see int8_amd64.s.
//
//go:noescape
func int8StripVNNI(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32)

//go:noescape
func int8AbsMaxBitsAVX512(x []float32) uint32

//go:noescape
func int8QuantAVX512(x []float32, inv float32, q *int8) int32

// int8StripAVX2 is int8StripGeneric on AVX2 (corr is not read); see int8avx2_amd64.s.
//
//go:noescape
func int8StripAVX2(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32)
