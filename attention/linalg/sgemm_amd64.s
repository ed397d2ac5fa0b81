// Micro-kernels of the blocked sgemm in sgemm.go. Each computes one tile
// of C += alpha * A B from a packed A panel (MR rows, k columns, stored
// column by column: MR floats per step of k) and a B panel (k rows of NR
// floats, ldb bytes apart; NR*4 when packed). Given a bias (NR floats)
// they set the tile to alpha * A B + bias instead, without reading C.
//
// Operand order is Go's (sources first, destination last):
//	VFMADD231PS x, y, acc   acc += x * y
//	VFMADD213PS m, s, acc   acc = s * acc + m

//go:build amd64 && !purego

#include "textflag.h"
#include "zero_amd64.h"

// KERNEL_ARGS loads the arguments of a micro-kernel: k in CX, A in SI, B
// in BX, its row stride in bytes in R8, C in DI, its row stride in bytes
// in DX.
#define KERNEL_ARGS \
	MOVQ k+0(FP), CX; \
	MOVQ a+8(FP), SI; \
	MOVQ b+16(FP), BX; \
	MOVQ ldb+24(FP), R8; \
	SHLQ $2, R8; \
	MOVQ c+32(FP), DI; \
	MOVQ ldc+40(FP), DX; \
	SHLQ $2, DX

// ROW512 adds A[i] (broadcast from off(SI)) times the 32 floats of B in
// Z24, Z25 to the accumulators of row i.
#define ROW512(off, bc, acc0, acc1) \
	VBROADCASTSS off(SI), bc; \
	VFMADD231PS bc, Z24, acc0; \
	VFMADD231PS bc, Z25, acc1

// STORE512 sets one row of C at DI to alpha (Z26) times the row's
// accumulators plus itself and moves DI to the next row.
#define STORE512(acc0, acc1) \
	VFMADD213PS (DI), Z26, acc0; \
	VFMADD213PS 64(DI), Z26, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 64(DI); \
	ADDQ DX, DI

// SET512 sets one row of C at DI to alpha (Z26) times the row's
// accumulators plus the bias in Z24, Z25 and moves DI to the next row.
#define SET512(acc0, acc1) \
	VFMADD213PS Z24, Z26, acc0; \
	VFMADD213PS Z25, Z26, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 64(DI); \
	ADDQ DX, DI

// func sgemmKernel12x32(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32, bias *float32)
//
// C[0:12, 0:32] += alpha * A B on AVX-512: 24 accumulators of 16 floats;
// with bias non-nil, C[i, 0:32] = alpha * (A B)[i] + bias[0:32].
// k >= 1; ldb and ldc are in floats.
TEXT ·sgemmKernel12x32(SB), NOSPLIT, $0-64
	KERNEL_ARGS
	ZERO_Z0_Z23
loop512:
	VMOVUPS (BX), Z24
	VMOVUPS 64(BX), Z25
	ROW512(0, Z26, Z0, Z1)
	ROW512(4, Z27, Z2, Z3)
	ROW512(8, Z28, Z4, Z5)
	ROW512(12, Z29, Z6, Z7)
	ROW512(16, Z30, Z8, Z9)
	ROW512(20, Z31, Z10, Z11)
	ROW512(24, Z26, Z12, Z13)
	ROW512(28, Z27, Z14, Z15)
	ROW512(32, Z28, Z16, Z17)
	ROW512(36, Z29, Z18, Z19)
	ROW512(40, Z30, Z20, Z21)
	ROW512(44, Z31, Z22, Z23)
	ADDQ $48, SI
	ADDQ R8, BX
	DECQ CX
	JNZ loop512

	VBROADCASTSS alpha+48(FP), Z26
	MOVQ bias+56(FP), AX
	TESTQ AX, AX
	JNZ set512
	STORE512(Z0, Z1)
	STORE512(Z2, Z3)
	STORE512(Z4, Z5)
	STORE512(Z6, Z7)
	STORE512(Z8, Z9)
	STORE512(Z10, Z11)
	STORE512(Z12, Z13)
	STORE512(Z14, Z15)
	STORE512(Z16, Z17)
	STORE512(Z18, Z19)
	STORE512(Z20, Z21)
	STORE512(Z22, Z23)
	VZEROUPPER
	RET

set512:
	VMOVUPS (AX), Z24
	VMOVUPS 64(AX), Z25
	SET512(Z0, Z1)
	SET512(Z2, Z3)
	SET512(Z4, Z5)
	SET512(Z6, Z7)
	SET512(Z8, Z9)
	SET512(Z10, Z11)
	SET512(Z12, Z13)
	SET512(Z14, Z15)
	SET512(Z16, Z17)
	SET512(Z18, Z19)
	SET512(Z20, Z21)
	SET512(Z22, Z23)
	VZEROUPPER
	RET

// ROW256 adds A[i] (broadcast from off(SI)) times the 16 floats of B in
// Y12, Y13 to the accumulators of row i.
#define ROW256(off, bc, acc0, acc1) \
	VBROADCASTSS off(SI), bc; \
	VFMADD231PS bc, Y12, acc0; \
	VFMADD231PS bc, Y13, acc1

// STORE256 is STORE512 for rows of 16 floats, alpha in Y14.
#define STORE256(acc0, acc1) \
	VFMADD213PS (DI), Y14, acc0; \
	VFMADD213PS 32(DI), Y14, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 32(DI); \
	ADDQ DX, DI

// SET256 is SET512 for rows of 16 floats, alpha in Y14, the bias in Y12, Y13.
#define SET256(acc0, acc1) \
	VFMADD213PS Y12, Y14, acc0; \
	VFMADD213PS Y13, Y14, acc1; \
	VMOVUPS acc0, (DI); \
	VMOVUPS acc1, 32(DI); \
	ADDQ DX, DI

// func sgemmKernel6x16(k int, a, b *float32, ldb int, c *float32, ldc int, alpha float32, bias *float32)
//
// C[0:6, 0:16] += alpha * A B on AVX2 and FMA: 12 accumulators of 8 floats;
// with bias non-nil, C[i, 0:16] = alpha * (A B)[i] + bias[0:16].
// k >= 1; ldb and ldc are in floats.
TEXT ·sgemmKernel6x16(SB), NOSPLIT, $0-64
	KERNEL_ARGS
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
loop256:
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13
	ROW256(0, Y14, Y0, Y1)
	ROW256(4, Y15, Y2, Y3)
	ROW256(8, Y14, Y4, Y5)
	ROW256(12, Y15, Y6, Y7)
	ROW256(16, Y14, Y8, Y9)
	ROW256(20, Y15, Y10, Y11)
	ADDQ $24, SI
	ADDQ R8, BX
	DECQ CX
	JNZ loop256

	VBROADCASTSS alpha+48(FP), Y14
	MOVQ bias+56(FP), AX
	TESTQ AX, AX
	JNZ set256
	STORE256(Y0, Y1)
	STORE256(Y2, Y3)
	STORE256(Y4, Y5)
	STORE256(Y6, Y7)
	STORE256(Y8, Y9)
	STORE256(Y10, Y11)
	VZEROUPPER
	RET

set256:
	VMOVUPS (AX), Y12
	VMOVUPS 32(AX), Y13
	SET256(Y0, Y1)
	SET256(Y2, Y3)
	SET256(Y4, Y5)
	SET256(Y6, Y7)
	SET256(Y8, Y9)
	SET256(Y10, Y11)
	VZEROUPPER
	RET

// func transpose8x8AVX(dst *float32, ldd int, src *float32, lds int, blocks int)
//
// For b < blocks, transposes the 8x8 block at src+8b (rows lds floats
// apart) into dst+8b*ldd (rows ldd floats apart): dst[(8b+t)*ldd + r] =
// src[r*lds + 8b + t]. It packs transposed B panels (sgemm.go).
TEXT ·transpose8x8AVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	SHLQ $2, DX
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	SHLQ $2, R8
	MOVQ blocks+32(FP), CX
	LEAQ (R8)(R8*2), R9 // 3 rows
	LEAQ (DX)(DX*2), R10
	TESTQ CX, CX
	JZ tdone
tloop:
	MOVQ SI, AX
	VMOVUPS (AX), Y0
	VMOVUPS (AX)(R8*1), Y1
	VMOVUPS (AX)(R8*2), Y2
	VMOVUPS (AX)(R9*1), Y3
	LEAQ (AX)(R8*4), AX
	VMOVUPS (AX), Y4
	VMOVUPS (AX)(R8*1), Y5
	VMOVUPS (AX)(R8*2), Y6
	VMOVUPS (AX)(R9*1), Y7
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15
	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xee, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xee, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xee, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xee, Y15, Y13, Y7
	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15
	MOVQ DI, BX
	VMOVUPS Y8, (BX)
	VMOVUPS Y9, (BX)(DX*1)
	VMOVUPS Y10, (BX)(DX*2)
	VMOVUPS Y11, (BX)(R10*1)
	LEAQ (BX)(DX*4), BX
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(DX*1)
	VMOVUPS Y14, (BX)(DX*2)
	VMOVUPS Y15, (BX)(R10*1)
	ADDQ $32, SI
	LEAQ (DI)(DX*8), DI
	DECQ CX
	JNZ tloop
tdone:
	VZEROUPPER
	RET
