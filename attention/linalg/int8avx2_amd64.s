// AVX2 kernel for int8.go, for CPUs without AVX-512 VNNI: one strip of 64
// output columns times up to six rows of quantized activations, with the
// same integer sums as int8StripVNNI and the Go loop.
//
// The packed weights are bytes q+128; XOR 0x80 turns them back into the
// signed q. VPMADDUBSW multiplies unsigned by signed bytes and adds pairs
// into int16 with saturation, so it gets |a| (at most 127) and q*sign(a)
// (VPSIGNB): each pair sum is at most 2*127*127 = 32258 and never
// saturates. VPMADDWD with ones adds the pairs into int32 lanes, the sum
// of four products a*q; with signed weights no correction for the +128 is
// needed (corr is not read).
//
// Operand order is Go's (sources first, destination last):
//	VPSIGNB s, x, d       d = x * sign(s) per byte
//	VPMADDUBSW s, u, d    d = u0*s0 + u1*s1 per int16 (u unsigned)

//go:build amd64 && !purego

#include "textflag.h"

// BLOCK adds block i (8 columns) of the group at BX to acc: Y8 holds
// the row's |a| broadcast, Y9 its signs, Y10 0x80 bytes, Y11 int16 ones.
#define BLOCK(off, acc) \
	VPXOR off(BX), Y10, Y12; \
	VPSIGNB Y9, Y12, Y12; \
	VPMADDUBSW Y12, Y8, Y12; \
	VPMADDWD Y11, Y12, Y12; \
	VPADDD Y12, acc, acc

// SCALE converts acc to float32, multiplies by the column scales at
// off(R12) and the row scale (Y13), adds the 8 floats at off(R9) and
// stores them at off(DI).
#define SCALE(off, acc) \
	VCVTDQ2PS acc, acc; \
	VMULPS off(R12), acc, acc; \
	VFMADD213PS off(R9), Y13, acc; \
	VMOVUPS acc, off(DI)

// func int8StripAVX2(a *int8, lda int, b *uint8, k4 int, corr *int32, sa, sw, c *float32, ldc, rows int, bias *float32)
//
// As int8StripVNNI: a holds rows (1..6) rows of k4*4 signed bytes, lda
// bytes apart; b the packed strip; c rows x 64 floats, ldc floats apart.
// With bias nil the product is added to C, else C is set to bias plus the
// product.
TEXT ·int8StripAVX2(SB), NOSPLIT, $0-88
	MOVQ a+0(FP), SI
	MOVQ lda+8(FP), DX
	MOVQ sa+40(FP), R14
	MOVQ sw+48(FP), R12
	MOVQ c+56(FP), DI
	MOVQ ldc+64(FP), R15
	SHLQ $2, R15
	MOVQ rows+72(FP), R13
	MOVL $0x80808080, AX
	MOVD AX, X10
	VPBROADCASTD X10, Y10
	MOVL $0x00010001, AX
	MOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVQ bias+80(FP), R9 // add the bias to every row,
	XORQ R10, R10
	TESTQ R9, R9
	JNZ row
	MOVQ DI, R9          // or else C to itself
	MOVQ R15, R10

row:
	MOVQ b+16(FP), BX
	MOVQ k4+24(FP), CX
	XORQ AX, AX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	VPXOR Y4, Y4, Y4
	VPXOR Y5, Y5, Y5
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
group:
	VPBROADCASTD (SI)(AX*1), Y9
	VPABSB Y9, Y8
	BLOCK(0, Y0)
	BLOCK(32, Y1)
	BLOCK(64, Y2)
	BLOCK(96, Y3)
	BLOCK(128, Y4)
	BLOCK(160, Y5)
	BLOCK(192, Y6)
	BLOCK(224, Y7)
	ADDQ $256, BX
	ADDQ $4, AX
	DECQ CX
	JNZ group

	VBROADCASTSS (R14), Y13
	SCALE(0, Y0)
	SCALE(32, Y1)
	SCALE(64, Y2)
	SCALE(96, Y3)
	SCALE(128, Y4)
	SCALE(160, Y5)
	SCALE(192, Y6)
	SCALE(224, Y7)
	ADDQ DX, SI
	ADDQ $4, R14
	ADDQ R15, DI
	ADDQ R10, R9
	DECQ R13
	JNZ row
	VZEROUPPER
	RET
