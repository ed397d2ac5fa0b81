// AVX2 + FMA kernels for vecmath.go. Every kernel processes len&^7 elements
// (whole 8-float vectors, unaligned loads and stores); the Go wrappers do the
// tail with the scalar functions of fastmath.go.
//
// TANH and EXP repeat the scalar Tanh and Exp operation for operation, with
// the same float32 constants and the same roundings (no fused multiply-add
// there: see MULADD), so on the default GOAMD64=v1 they return exactly the
// scalar results. Dot and Axpy do use fused multiply-adds.
//
// Operand order is Go's: sources first, destination last, so
//	VSUBPS b, a, d           is   d = a - b
//	VFMADD213PS c, b, a      is   a = b*a + c
//	VFMADD231PS c, b, a      is   a = b*c + a
//	VCMPPS $pred, b, a, d    is   d = a <pred> b (all-ones or zero per lane)
//	VBLENDVPS m, t, f, d     is   d = m ? t : f (per lane, by the sign bit of m)
//	VANDNPS b, a, d          is   d = ^a & b
// and VMINPS/VMAXPS return their first operand when either operand is NaN,
// which is how NaN inputs survive the clamps below. Predicates: 0x11 is <,
// 0x1e is >, both false for NaN; 3 is "unordered" (either is NaN).

//go:build amd64 && !purego

#include "textflag.h"

// SPLAT defines sym as eight copies of the float32 with bit pattern bits.
#define SPLAT(sym, bits) \
	DATA sym+0(SB)/4, $bits; \
	DATA sym+4(SB)/4, $bits; \
	DATA sym+8(SB)/4, $bits; \
	DATA sym+12(SB)/4, $bits; \
	DATA sym+16(SB)/4, $bits; \
	DATA sym+20(SB)/4, $bits; \
	DATA sym+24(SB)/4, $bits; \
	DATA sym+28(SB)/4, $bits; \
	GLOBL sym(SB), RODATA|NOPTR, $32

// Tanh: 13/6 rational polynomial (Eigen), see Tanh in fastmath.go.
SPLAT(tanhA1<>, 0x3ba059dc)  //  4.89352455891786e-03
SPLAT(tanhA3<>, 0x3a270ded)  //  6.37261928875436e-04
SPLAT(tanhA5<>, 0x3779434a)  //  1.48572235717979e-05
SPLAT(tanhA7<>, 0x335c0041)  //  5.12229709037114e-08
SPLAT(tanhA9<>, 0xaebd37ff)  // -8.60467152213735e-11
SPLAT(tanhA11<>, 0x2a61337e) //  2.00018790482477e-13
SPLAT(tanhA13<>, 0xa59f25c0) // -2.76076847742355e-16
SPLAT(tanhB0<>, 0x3ba059dd)  //  4.89352518554385e-03
SPLAT(tanhB2<>, 0x3b14aa05)  //  2.26843463243900e-03
SPLAT(tanhB4<>, 0x38f895d6)  //  1.18534705686654e-04
SPLAT(tanhB6<>, 0x35a0d3d8)  //  1.19825839466702e-06
SPLAT(tanhClamp<>, 0x41100000) // 9: |x| > 9 gives ±1
SPLAT(tanhTiny<>, 0x39d1b717)  // 0.0004: |x| < 0.0004 gives x

// Exp: Cephes expf, see Exp in fastmath.go.
SPLAT(expLog2e<>, 0x3fb8aa3b) //  log2(e)
SPLAT(expLn2Hi<>, 0x3f318000) //  0.693359375
SPLAT(expLn2Lo<>, 0xb95e8083) // -2.12194440e-4
SPLAT(expP0<>, 0x39506967)    //  1.9875691500e-4
SPLAT(expP1<>, 0x3ab743ce)    //  1.3981999507e-3
SPLAT(expP2<>, 0x3c088908)    //  8.3334519073e-3
SPLAT(expP3<>, 0x3d2aa9c1)    //  4.1665795894e-2
SPLAT(expP4<>, 0x3e2aaaaa)    //  1.6666665459e-1
SPLAT(expP5<>, 0x3f000000)    //  5.0000001201e-1
SPLAT(expMin<>, 0xc2ae999a)   // -87.3: below it e**x is 0
SPLAT(expMax<>, 0x42b16666)   //  88.7: above it e**x is +Inf
SPLAT(expBias<>, 0x0000007f)  //  int32 127, the float32 exponent bias

// Shared constants.
SPLAT(one<>, 0x3f800000)      //  1
SPLAT(minusOne<>, 0xbf800000) // -1
SPLAT(half<>, 0x3f000000)     //  0.5
SPLAT(signMask<>, 0x80000000) //  sign bit
SPLAT(absMask<>, 0x7fffffff)  //  all but the sign bit
SPLAT(posInf<>, 0x7f800000)   // +Inf
SPLAT(negInf<>, 0xff800000)   // -Inf

// MULADD sets a = a*b + c with the product rounded before the sum, as Go
// evaluates the expression on amd64 (not fused), so that these kernels give
// the scalar functions' results bit for bit.
#define MULADD(c, b, a) \
	VMULPS b, a, a; \
	VADDPS c, a, a

// TANH sets Y2 = tanh(Y0); it clobbers Y1-Y8 and reads Y0 only.
//	x2 = x*x
//	p  = x*(a1 + x2*(a3 + x2*(a5 + x2*(a7 + x2*(a9 + x2*(a11 + x2*a13))))))
//	q  = b0 + x2*(b2 + x2*(b4 + x2*b6))
//	r  = clamp(p/q, -1, 1)        (NaN stays NaN)
//	r  = x        where |x| < 0.0004
//	r  = sign(x)  where |x| > 9   (large |x| overflow x2 harmlessly before this)
#define TANH \
	VMULPS       Y0, Y0, Y1; \
	VMOVUPS      tanhA13<>(SB), Y2; \
	MULADD(tanhA11<>(SB), Y1, Y2); \
	MULADD(tanhA9<>(SB), Y1, Y2); \
	MULADD(tanhA7<>(SB), Y1, Y2); \
	MULADD(tanhA5<>(SB), Y1, Y2); \
	MULADD(tanhA3<>(SB), Y1, Y2); \
	MULADD(tanhA1<>(SB), Y1, Y2); \
	VMULPS       Y0, Y2, Y2; \
	VMOVUPS      tanhB6<>(SB), Y3; \
	MULADD(tanhB4<>(SB), Y1, Y3); \
	MULADD(tanhB2<>(SB), Y1, Y3); \
	MULADD(tanhB0<>(SB), Y1, Y3); \
	VDIVPS       Y3, Y2, Y2; \
	VMOVUPS      one<>(SB), Y4; \
	VMOVUPS      minusOne<>(SB), Y5; \
	VMINPS       Y2, Y4, Y2; \
	VMAXPS       Y2, Y5, Y2; \
	VANDPS       absMask<>(SB), Y0, Y6; \
	VCMPPS       $0x11, tanhTiny<>(SB), Y6, Y7; \
	VBLENDVPS    Y7, Y0, Y2, Y2; \
	VCMPPS       $0x1e, tanhClamp<>(SB), Y6, Y7; \
	VANDPS       signMask<>(SB), Y0, Y8; \
	VORPS        Y4, Y8, Y8; \
	VBLENDVPS    Y7, Y8, Y2, Y2

// EXP sets Y3 = e**Y0; it clobbers Y1-Y6 and reads Y0 only.
//	n  = floor(x*log2e + 0.5)            (mul and add rounded separately, as in Go)
//	r  = x - n*ln2hi - n*ln2lo           (|r| <= ln2/2)
//	p  = ((((p0*r + p1)*r + p2)*r + p3)*r + p4)*r + p5
//	y  = (p*r*r + r + 1) * 2**n          (2**n built in the exponent field)
//	y  = 0     where x < -87.3
//	y  = +Inf  where x > 88.7            (NaN compares false and stays NaN)
#define EXP \
	VMULPS       expLog2e<>(SB), Y0, Y1; \
	VADDPS       half<>(SB), Y1, Y1; \
	VROUNDPS     $1, Y1, Y1; \
	VMULPS       expLn2Hi<>(SB), Y1, Y2; \
	VSUBPS       Y2, Y0, Y2; \
	VMULPS       expLn2Lo<>(SB), Y1, Y4; \
	VSUBPS       Y4, Y2, Y2; \
	VMOVUPS      expP0<>(SB), Y3; \
	MULADD(expP1<>(SB), Y2, Y3); \
	MULADD(expP2<>(SB), Y2, Y3); \
	MULADD(expP3<>(SB), Y2, Y3); \
	MULADD(expP4<>(SB), Y2, Y3); \
	MULADD(expP5<>(SB), Y2, Y3); \
	VMULPS       Y2, Y3, Y3; \
	VMULPS       Y2, Y3, Y3; \
	VADDPS       Y2, Y3, Y3; \
	VADDPS       one<>(SB), Y3, Y3; \
	VCVTTPS2DQ   Y1, Y5; \
	VPADDD       expBias<>(SB), Y5, Y5; \
	VPSLLD       $23, Y5, Y5; \
	VMULPS       Y5, Y3, Y3; \
	VCMPPS       $0x11, expMin<>(SB), Y0, Y6; \
	VANDNPS      Y3, Y6, Y3; \
	VCMPPS       $0x1e, expMax<>(SB), Y0, Y6; \
	VBLENDVPS    Y6, posInf<>(SB), Y3, Y3

// HSUM sets the low float of X(reg) to the sum of the eight floats of Y(reg),
// using tmp as scratch: fold the high 128 bits onto the low, then two
// horizontal adds.
#define HSUM(Yreg, Xreg, Xtmp) \
	VEXTRACTF128 $1, Yreg, Xtmp; \
	VADDPS       Xtmp, Xreg, Xreg; \
	VHADDPS      Xreg, Xreg, Xreg; \
	VHADDPS      Xreg, Xreg, Xreg

// func tanhAVX2(x []float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $3, CX
	JZ   tanhDone

tanhLoop:
	VMOVUPS (SI), Y0
	TANH
	VMOVUPS Y2, (SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     tanhLoop

tanhDone:
	VZEROUPPER
	RET

// func sigmoidAVX2(x []float32)
// sigmoid(x) = 0.5*tanh(0.5*x) + 0.5
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	SHRQ    $3, CX
	JZ      sigmoidDone
	VMOVUPS half<>(SB), Y9

sigmoidLoop:
	VMOVUPS     (SI), Y0
	VMULPS      Y9, Y0, Y0
	TANH
	VFMADD213PS Y9, Y9, Y2
	VMOVUPS     Y2, (SI)
	ADDQ        $32, SI
	DECQ        CX
	JNZ         sigmoidLoop

sigmoidDone:
	VZEROUPPER
	RET

// func addTanhAVX2(dst, a, b []float32)
// dst[i] = tanh(a[i] + b[i]); len(a) and len(b) are at least len(dst).
TEXT ·addTanhAVX2(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	SHRQ $3, CX
	JZ   addTanhDone

addTanhLoop:
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	TANH
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    CX
	JNZ     addTanhLoop

addTanhDone:
	VZEROUPPER
	RET

// func expAVX2(x []float32)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	SHRQ $3, CX
	JZ   expDone

expLoop:
	VMOVUPS (SI), Y0
	EXP
	VMOVUPS Y3, (SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     expLoop

expDone:
	VZEROUPPER
	RET

// func expShiftSumAVX2(x []float32, shift float32) float32
// x[i] = e**(x[i]-shift); the sum is kept in eight float32 lanes (Y14)
// and added up horizontally at the end.
TEXT ·expShiftSumAVX2(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VXORPS       Y14, Y14, Y14
	SHRQ         $3, CX
	JZ           expShiftSumDone

expShiftSumLoop:
	VMOVUPS (SI), Y0
	VSUBPS  Y15, Y0, Y0
	EXP
	VMOVUPS Y3, (SI)
	VADDPS  Y3, Y14, Y14
	ADDQ    $32, SI
	DECQ    CX
	JNZ     expShiftSumLoop

expShiftSumDone:
	HSUM(Y14, X14, X1)
	VMOVSS X14, ret+32(FP)
	VZEROUPPER
	RET

// func maxAVX2(x []float32) float32
// Lane-wise running maximum in Y14 (from -Inf) and a running "is NaN" mask
// in Y13; a NaN anywhere makes the result NaN.
TEXT ·maxAVX2(SB), NOSPLIT, $0-28
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	VMOVUPS negInf<>(SB), Y14
	VXORPS  Y13, Y13, Y13
	SHRQ    $3, CX
	JZ      maxReduce

maxLoop:
	VMOVUPS (SI), Y0
	VMAXPS  Y0, Y14, Y14
	VCMPPS  $3, Y0, Y0, Y1 // unordered: x != x
	VORPS   Y1, Y13, Y13
	ADDQ    $32, SI
	DECQ    CX
	JNZ     maxLoop

	VMOVMSKPS Y13, AX
	TESTL     AX, AX
	JZ        maxReduce
	MOVL      $0x7fc00000, AX // quiet NaN
	MOVL      AX, ret+24(FP)
	VZEROUPPER
	RET

maxReduce:
	// Fold 8 lanes to 1: high half onto low, then swap pairs, then neighbours.
	VEXTRACTF128 $1, Y14, X1
	VMAXPS       X1, X14, X14
	VPERMILPS    $0x4e, X14, X1
	VMAXPS       X1, X14, X14
	VPERMILPS    $0xb1, X14, X1
	VMAXPS       X1, X14, X14
	VMOVSS       X14, ret+24(FP)
	VZEROUPPER
	RET

// func dotAVX2(x, y []float32) float32
// Sum of x[i]*y[i] over len(x)&^7 elements (len(y) >= len(x)), in four
// independent FMA accumulators (32 floats a step) and then one (8 a step).
TEXT ·dotAVX2(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	MOVQ   CX, BX
	SHRQ   $5, BX
	JZ     dotTail8

dotLoop32:
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        BX
	JNZ         dotLoop32

dotTail8:
	ANDQ $31, CX
	SHRQ $3, CX
	JZ   dotReduce

dotLoop8:
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         dotLoop8

dotReduce:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM(Y0, X0, X1)
	VMOVSS X0, ret+48(FP)
	VZEROUPPER
	RET

// func axpyAVX2(alpha float32, x, y []float32)
// y[i] += alpha*x[i] over len(x)&^7 elements (len(y) >= len(x)).
TEXT ·axpyAVX2(SB), NOSPLIT, $0-56
	VBROADCASTSS alpha+0(FP), Y15
	MOVQ         x_base+8(FP), SI
	MOVQ         x_len+16(FP), CX
	MOVQ         y_base+32(FP), DI
	SHRQ         $3, CX
	JZ           axpyDone

axpyLoop:
	VMOVUPS     (SI), Y0
	VFMADD213PS (DI), Y15, Y0
	VMOVUPS     Y0, (DI)
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         axpyLoop

axpyDone:
	VZEROUPPER
	RET

// func sumExpShiftAVX2(x []float32, shift float32) float32
// The sum of e**(x[i]-shift), as expShiftSumAVX2 computes it, leaving x
// as it is.
TEXT ·sumExpShiftAVX2(SB), NOSPLIT, $0-36
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	VXORPS       Y14, Y14, Y14
	SHRQ         $3, CX
	JZ           sumExpShiftDone

sumExpShiftLoop:
	VMOVUPS (SI), Y0
	VSUBPS  Y15, Y0, Y0
	EXP
	VADDPS  Y3, Y14, Y14
	ADDQ    $32, SI
	DECQ    CX
	JNZ     sumExpShiftLoop

sumExpShiftDone:
	HSUM(Y14, X14, X1)
	VMOVSS X14, ret+32(FP)
	VZEROUPPER
	RET

// func addConstAVX2(x []float32, c float32)
// x[i] += c.
TEXT ·addConstAVX2(SB), NOSPLIT, $0-28
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS c+24(FP), Y15
	SHRQ         $3, CX
	JZ           addConstDone

addConstLoop:
	VADDPS  (SI), Y15, Y0
	VMOVUPS Y0, (SI)
	ADDQ    $32, SI
	DECQ    CX
	JNZ     addConstLoop

addConstDone:
	VZEROUPPER
	RET

// func indexAVX2(x []float32, v float32) int
// The first i with x[i] == v, or -1.
TEXT ·indexAVX2(SB), NOSPLIT, $0-40
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS v+24(FP), Y15
	XORQ         DX, DX
	SHRQ         $3, CX
	JZ           indexNone

indexLoop:
	VCMPPS    $0, (SI)(DX*4), Y15, Y0 // equal, ordered
	VMOVMSKPS Y0, AX
	TESTL     AX, AX
	JNZ       indexFound
	ADDQ      $8, DX
	DECQ      CX
	JNZ       indexLoop

indexNone:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET

indexFound:
	BSFL AX, AX
	ADDQ AX, DX
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET

// func indexAtLeastAVX2(x []float32, v float32) int
// The first i with x[i] >= v, or -1 (NaNs never qualify).
TEXT ·indexAtLeastAVX2(SB), NOSPLIT, $0-40
	MOVQ         x_base+0(FP), SI
	MOVQ         x_len+8(FP), CX
	VBROADCASTSS v+24(FP), Y15
	XORQ         DX, DX
	SHRQ         $3, CX
	JZ           indexAtLeastNone

indexAtLeastLoop:
	VMOVUPS   (SI)(DX*4), Y0
	VCMPPS    $0x1d, Y15, Y0, Y0 // x >= v, ordered
	VMOVMSKPS Y0, AX
	TESTL     AX, AX
	JNZ       indexAtLeastFound
	ADDQ      $8, DX
	DECQ      CX
	JNZ       indexAtLeastLoop

indexAtLeastNone:
	MOVQ $-1, ret+32(FP)
	VZEROUPPER
	RET

indexAtLeastFound:
	BSFL AX, AX
	ADDQ AX, DX
	MOVQ DX, ret+32(FP)
	VZEROUPPER
	RET
