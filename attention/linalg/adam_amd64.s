// AVX2 kernels for adam.go. Each processes len&^7 elements (whole 8-float
// vectors, unaligned loads and stores); the Go wrappers do the tail.
//
// adamUpdateAVX2 repeats adamUpdateGeneric operation for operation, each
// rounded to float32 (no fused multiply-add; VSQRTPS and VDIVPS are
// correctly rounded like Go's float32 square root and division), so the two
// agree bit for bit. Operand order is Go's: VDIVPS b, a, d is d = a / b and
// VSUBPS b, a, d is d = a - b.

//go:build amd64 && !purego

#include "textflag.h"

// func adamUpdateAVX2(w, g, m, v []float32, p AdamParams)
// Eight elements a step, with the eight parameters splatted in Y8-Y15 and
// the gradient's scale in Y7:
//	g = g*gradScale
//	m = b1*m + c1*g
//	v = b2*v + (c2*g)*g
//	w = w*decay - (stepSize*m) / (sqrt(v)*invSqrtBC2 + eps)
TEXT ·adamUpdateAVX2(SB), NOSPLIT, $0-132
	MOVQ         w_base+0(FP), DI
	MOVQ         w_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         m_base+48(FP), R8
	MOVQ         v_base+72(FP), R9
	SHRQ         $3, CX
	JZ           adamDone
	VBROADCASTSS p_Beta1+96(FP), Y8
	VBROADCASTSS p_Beta2+100(FP), Y9
	VBROADCASTSS p_OneMinusBeta1+104(FP), Y10
	VBROADCASTSS p_OneMinusBeta2+108(FP), Y11
	VBROADCASTSS p_StepSize+112(FP), Y12
	VBROADCASTSS p_InvSqrtBC2+116(FP), Y13
	VBROADCASTSS p_Eps+120(FP), Y14
	VBROADCASTSS p_Decay+124(FP), Y15
	VBROADCASTSS p_GradScale+128(FP), Y7

adamLoop:
	VMULPS  (SI), Y7, Y0  // g*gradScale
	VMULPS  (R8), Y8, Y1  // b1*m
	VMULPS  Y0, Y10, Y2   // c1*g
	VADDPS  Y2, Y1, Y1    // m
	VMOVUPS Y1, (R8)
	VMULPS  (R9), Y9, Y3  // b2*v
	VMULPS  Y0, Y11, Y4   // c2*g
	VMULPS  Y0, Y4, Y4    // (c2*g)*g
	VADDPS  Y4, Y3, Y3    // v
	VMOVUPS Y3, (R9)
	VSQRTPS Y3, Y3        // sqrt(v)
	VMULPS  Y13, Y3, Y3   // sqrt(v)*invSqrtBC2
	VADDPS  Y14, Y3, Y3   // ... + eps
	VMULPS  Y12, Y1, Y1   // stepSize*m
	VDIVPS  Y3, Y1, Y1    // (stepSize*m) / (...)
	VMULPS  (DI), Y15, Y5 // w*decay
	VSUBPS  Y1, Y5, Y5    // w*decay - ...
	VMOVUPS Y5, (DI)
	ADDQ    $32, SI
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, DI
	DECQ    CX
	JNZ     adamLoop

adamDone:
	VZEROUPPER
	RET

// func sumSquaresAVX2(x []float32) float64
// Widens four floats at a time to float64 (exactly) and accumulates their
// squares with fused multiply-adds (the squares are exact, so fusing changes
// nothing) in four vectors of four float64 lanes, Y0-Y3: sixteen floats a
// step, then eight, then the sixteen partial sums are added up.
TEXT ·sumSquaresAVX2(SB), NOSPLIT, $0-32
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	MOVQ   CX, BX
	SHRQ   $4, BX
	JZ     sumSquaresTail8

sumSquaresLoop16:
	VCVTPS2PD   (SI), Y4
	VCVTPS2PD   16(SI), Y5
	VCVTPS2PD   32(SI), Y6
	VCVTPS2PD   48(SI), Y7
	VFMADD231PD Y4, Y4, Y0
	VFMADD231PD Y5, Y5, Y1
	VFMADD231PD Y6, Y6, Y2
	VFMADD231PD Y7, Y7, Y3
	ADDQ        $64, SI
	DECQ        BX
	JNZ         sumSquaresLoop16

sumSquaresTail8:
	TESTQ $8, CX
	JZ    sumSquaresReduce
	VCVTPS2PD   (SI), Y4
	VCVTPS2PD   16(SI), Y5
	VFMADD231PD Y4, Y4, Y0
	VFMADD231PD Y5, Y5, Y1

sumSquaresReduce:
	VADDPD       Y1, Y0, Y0
	VADDPD       Y3, Y2, Y2
	VADDPD       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPD       X1, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, ret+24(FP)
	VZEROUPPER
	RET
