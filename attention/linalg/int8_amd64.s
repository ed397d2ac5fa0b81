// AVX-512 VNNI kernel for int8.go: one strip of 64 output columns times up
// to six rows of quantized activations.
//
// Operand order is Go's (sources first, destination last):
//	VPDPBUSD s, u, acc   adds to each int32 lane of acc the sum of the four
//	                     products of the unsigned bytes of u and the signed
//	                     bytes of s in that lane.
// The weights are the unsigned operand (stored as q+128), the activations
// the signed one (broadcast four bytes at a time); the wrapper subtracts
// 128 * sum(activations) of each row through corr.

//go:build amd64 && !purego

#include "textflag.h"
#include "zero_amd64.h"

// STOREROW converts the four accumulators of one row to float32, scales
// them by the column scales (Z24-Z27) and the row scale (R14), adds the 64
// floats at R9 (the row of C itself, or the bias), stores the row of C at
// DI and advances R13, R14 and DI to the next row, and R9 by R10 bytes.
#define STOREROW(a0, a1, a2, a3) \
	VPBROADCASTD (R13), Z28; \
	VPADDD Z28, a0, a0; \
	VPADDD Z28, a1, a1; \
	VPADDD Z28, a2, a2; \
	VPADDD Z28, a3, a3; \
	VCVTDQ2PS a0, a0; \
	VCVTDQ2PS a1, a1; \
	VCVTDQ2PS a2, a2; \
	VCVTDQ2PS a3, a3; \
	VMULPS Z24, a0, a0; \
	VMULPS Z25, a1, a1; \
	VMULPS Z26, a2, a2; \
	VMULPS Z27, a3, a3; \
	VBROADCASTSS (R14), Z29; \
	VFMADD213PS (R9), Z29, a0; \
	VFMADD213PS 64(R9), Z29, a1; \
	VFMADD213PS 128(R9), Z29, a2; \
	VFMADD213PS 192(R9), Z29, a3; \
	VMOVUPS a0, (DI); \
	VMOVUPS a1, 64(DI); \
	VMOVUPS a2, 128(DI); \
	VMOVUPS a3, 192(DI); \
	ADDQ $4, R13; \
	ADDQ $4, R14; \
	ADDQ DX, DI; \
	ADDQ R10, R9

// func int8StripVNNI(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32)
//
// a: six rows of k4*4 signed bytes, lda bytes apart (rows past `rows` are
// read but must only be finite memory: the wrapper pads them with zeros);
// b: the packed strip, k4 groups of 4x64 bytes; c: rows x 64 float32, ldc
// floats apart. 1 <= rows <= 6, k4 >= 1. With bias nil the product is
// added to C, else C is set to bias (64 floats) plus the product.
TEXT ·int8StripVNNI(SB), NOSPLIT, $0-88
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	MOVQ b+16(FP), BX
	MOVQ k4+24(FP), CX
	LEAQ (SI)(DX*1), R8
	LEAQ (R8)(DX*1), R9
	LEAQ (R9)(DX*1), R10
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12

	ZERO_Z0_Z23
	XORQ AX, AX
loop:
	VMOVDQU32 (BX), Z24
	VMOVDQU32 64(BX), Z25
	VMOVDQU32 128(BX), Z26
	VMOVDQU32 192(BX), Z27
	VPBROADCASTD (SI)(AX*1), Z28
	VPDPBUSD Z28, Z24, Z0
	VPDPBUSD Z28, Z25, Z1
	VPDPBUSD Z28, Z26, Z2
	VPDPBUSD Z28, Z27, Z3
	VPBROADCASTD (R8)(AX*1), Z29
	VPDPBUSD Z29, Z24, Z4
	VPDPBUSD Z29, Z25, Z5
	VPDPBUSD Z29, Z26, Z6
	VPDPBUSD Z29, Z27, Z7
	VPBROADCASTD (R9)(AX*1), Z30
	VPDPBUSD Z30, Z24, Z8
	VPDPBUSD Z30, Z25, Z9
	VPDPBUSD Z30, Z26, Z10
	VPDPBUSD Z30, Z27, Z11
	VPBROADCASTD (R10)(AX*1), Z31
	VPDPBUSD Z31, Z24, Z12
	VPDPBUSD Z31, Z25, Z13
	VPDPBUSD Z31, Z26, Z14
	VPDPBUSD Z31, Z27, Z15
	VPBROADCASTD (R11)(AX*1), Z28
	VPDPBUSD Z28, Z24, Z16
	VPDPBUSD Z28, Z25, Z17
	VPDPBUSD Z28, Z26, Z18
	VPDPBUSD Z28, Z27, Z19
	VPBROADCASTD (R12)(AX*1), Z29
	VPDPBUSD Z29, Z24, Z20
	VPDPBUSD Z29, Z25, Z21
	VPDPBUSD Z29, Z26, Z22
	VPDPBUSD Z29, Z27, Z23
	ADDQ $256, BX
	ADDQ $4, AX
	DECQ CX
	JNZ loop

	MOVQ corr+32(FP), R13
	MOVQ sa+40(FP), R14
	MOVQ sw+48(FP), BX
	MOVQ c+56(FP), DI
	MOVQ ldc+64(FP), DX
	SHLQ $2, DX
	MOVQ rows+72(FP), CX
	VMOVUPS (BX), Z24
	VMOVUPS 64(BX), Z25
	VMOVUPS 128(BX), Z26
	VMOVUPS 192(BX), Z27
	MOVQ bias+80(FP), R9 // add the bias to every row,
	XORQ R10, R10
	TESTQ R9, R9
	JNZ store
	MOVQ DI, R9          // or else C to itself
	MOVQ DX, R10
store:
	STOREROW(Z0, Z1, Z2, Z3)
	CMPQ CX, $1
	JEQ done
	STOREROW(Z4, Z5, Z6, Z7)
	CMPQ CX, $2
	JEQ done
	STOREROW(Z8, Z9, Z10, Z11)
	CMPQ CX, $3
	JEQ done
	STOREROW(Z12, Z13, Z14, Z15)
	CMPQ CX, $4
	JEQ done
	STOREROW(Z16, Z17, Z18, Z19)
	CMPQ CX, $5
	JEQ done
	STOREROW(Z20, Z21, Z22, Z23)
done:
	VZEROUPPER
	RET

// func int8AbsMaxBitsAVX512(x []float32) uint32
//
// The largest |x[i]| over the first len(x)&^15 elements, as float32 bits:
// with the sign bits cleared, integer order is float order and every NaN or
// infinity compares above every finite value. 0 for no elements.
TEXT ·int8AbsMaxBitsAVX512(SB), NOSPLIT, $0-28
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVL $0x7fffffff, AX
	VPBROADCASTD AX, Z1
	VPXORD Z2, Z2, Z2
	SHRQ $4, CX
	JZ absdone
absloop:
	VPANDD (SI), Z1, Z0
	VPMAXUD Z0, Z2, Z2
	ADDQ $64, SI
	DECQ CX
	JNZ absloop
absdone:
	VEXTRACTI64X4 $1, Z2, Y3
	VPMAXUD Y3, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPMAXUD X3, X2, X2
	VPSHUFD $0x4e, X2, X3
	VPMAXUD X3, X2, X2
	VPSHUFD $0xb1, X2, X3
	VPMAXUD X3, X2, X2
	VMOVD X2, AX
	MOVL AX, ret+24(FP)
	VZEROUPPER
	RET

// func int8QuantAVX512(x []float32, inv float32, q *int8) int32
//
// Sets q[i] = round(x[i]*inv) (to nearest, ties to even, saturated to int8)
// for the first len(x)&^15 elements and returns their sum.
TEXT ·int8QuantAVX512(SB), NOSPLIT, $0-44
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	VBROADCASTSS inv+24(FP), Z1
	MOVQ q+32(FP), DI
	VPXORD Z2, Z2, Z2
	SHRQ $4, CX
	JZ quantdone
quantloop:
	VMULPS (SI), Z1, Z0
	VCVTPS2DQ Z0, Z0
	VPMOVSDB Z0, X3
	VPMOVSXBD X3, Z0
	VPADDD Z0, Z2, Z2
	VMOVDQU X3, (DI)
	ADDQ $64, SI
	ADDQ $16, DI
	DECQ CX
	JNZ quantloop
quantdone:
	VEXTRACTI64X4 $1, Z2, Y3
	VPADDD Y3, Y2, Y2
	VEXTRACTI128 $1, Y2, X3
	VPADDD X3, X2, X2
	VPSHUFD $0x4e, X2, X3
	VPADDD X3, X2, X2
	VPSHUFD $0xb1, X2, X3
	VPADDD X3, X2, X2
	VMOVD X2, AX
	MOVL AX, ret+40(FP)
	VZEROUPPER
	RET
