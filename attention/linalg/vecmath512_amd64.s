// AVX-512 kernel for AddTanh (vecmath.go): sixteen floats a step, the
// constants of vecmath_amd64.s kept in registers. It repeats the TANH
// macro of vecmath_amd64.s operation for operation (products and sums
// rounded separately, the same clamps, masked moves for its blends), so
// it returns the scalar Tanh's results bit for bit.

//go:build amd64 && !purego

#include "textflag.h"

// Constants, each the first float32 of a vecmath_amd64.s splat.
GLOBL tanh512A13<>(SB), RODATA|NOPTR, $4
DATA tanh512A13<>+0(SB)/4, $0xa59f25c0
GLOBL tanh512A11<>(SB), RODATA|NOPTR, $4
DATA tanh512A11<>+0(SB)/4, $0x2a61337e
GLOBL tanh512A9<>(SB), RODATA|NOPTR, $4
DATA tanh512A9<>+0(SB)/4, $0xaebd37ff
GLOBL tanh512A7<>(SB), RODATA|NOPTR, $4
DATA tanh512A7<>+0(SB)/4, $0x335c0041
GLOBL tanh512A5<>(SB), RODATA|NOPTR, $4
DATA tanh512A5<>+0(SB)/4, $0x3779434a
GLOBL tanh512A3<>(SB), RODATA|NOPTR, $4
DATA tanh512A3<>+0(SB)/4, $0x3a270ded
GLOBL tanh512A1<>(SB), RODATA|NOPTR, $4
DATA tanh512A1<>+0(SB)/4, $0x3ba059dc
GLOBL tanh512B6<>(SB), RODATA|NOPTR, $4
DATA tanh512B6<>+0(SB)/4, $0x35a0d3d8
GLOBL tanh512B4<>(SB), RODATA|NOPTR, $4
DATA tanh512B4<>+0(SB)/4, $0x38f895d6
GLOBL tanh512B2<>(SB), RODATA|NOPTR, $4
DATA tanh512B2<>+0(SB)/4, $0x3b14aa05
GLOBL tanh512B0<>(SB), RODATA|NOPTR, $4
DATA tanh512B0<>+0(SB)/4, $0x3ba059dd
GLOBL tanh512Clamp<>(SB), RODATA|NOPTR, $4
DATA tanh512Clamp<>+0(SB)/4, $0x41100000
GLOBL tanh512Tiny<>(SB), RODATA|NOPTR, $4
DATA tanh512Tiny<>+0(SB)/4, $0x39d1b717
GLOBL tanh512One<>(SB), RODATA|NOPTR, $4
DATA tanh512One<>+0(SB)/4, $0x3f800000
GLOBL tanh512MinusOne<>(SB), RODATA|NOPTR, $4
DATA tanh512MinusOne<>+0(SB)/4, $0xbf800000
GLOBL tanh512Sign<>(SB), RODATA|NOPTR, $4
DATA tanh512Sign<>+0(SB)/4, $0x80000000
GLOBL tanh512Abs<>(SB), RODATA|NOPTR, $4
DATA tanh512Abs<>+0(SB)/4, $0x7fffffff

// MULADD512 sets a = a*b + c, the product rounded before the sum.
#define MULADD512(c, b, a) \
	VMULPS b, a, a; \
	VADDPS c, a, a

// func addTanhAVX512(dst, a, b []float32)
// dst[i] = tanh(a[i] + b[i]) for the first len(dst)&^15 elements; len(a)
// and len(b) are at least len(dst). Z0 holds x, Z1 x*x, Z2 p, Z3 q; the
// constants live in Z16-Z31 and Z15.
TEXT ·addTanhAVX512(SB), NOSPLIT, $0-72
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ b_base+48(FP), DX
	SHRQ $4, CX
	JZ   addTanh512Done
	VBROADCASTSS tanh512A13<>(SB), Z16
	VBROADCASTSS tanh512A11<>(SB), Z17
	VBROADCASTSS tanh512A9<>(SB), Z18
	VBROADCASTSS tanh512A7<>(SB), Z19
	VBROADCASTSS tanh512A5<>(SB), Z20
	VBROADCASTSS tanh512A3<>(SB), Z21
	VBROADCASTSS tanh512A1<>(SB), Z22
	VBROADCASTSS tanh512B6<>(SB), Z23
	VBROADCASTSS tanh512B4<>(SB), Z24
	VBROADCASTSS tanh512B2<>(SB), Z25
	VBROADCASTSS tanh512B0<>(SB), Z26
	VBROADCASTSS tanh512One<>(SB), Z27
	VBROADCASTSS tanh512MinusOne<>(SB), Z28
	VBROADCASTSS tanh512Abs<>(SB), Z29
	VBROADCASTSS tanh512Tiny<>(SB), Z30
	VBROADCASTSS tanh512Clamp<>(SB), Z31
	VBROADCASTSS tanh512Sign<>(SB), Z15

addTanh512Loop:
	VMOVUPS (SI), Z0
	VADDPS  (DX), Z0, Z0
	VMULPS  Z0, Z0, Z1
	VMOVAPS Z16, Z2
	MULADD512(Z17, Z1, Z2)
	MULADD512(Z18, Z1, Z2)
	MULADD512(Z19, Z1, Z2)
	MULADD512(Z20, Z1, Z2)
	MULADD512(Z21, Z1, Z2)
	MULADD512(Z22, Z1, Z2)
	VMULPS  Z0, Z2, Z2
	VMOVAPS Z23, Z3
	MULADD512(Z24, Z1, Z3)
	MULADD512(Z25, Z1, Z3)
	MULADD512(Z26, Z1, Z3)
	VDIVPS  Z3, Z2, Z2
	VMINPS  Z2, Z27, Z2            // NaN stays NaN, as in TANH
	VMAXPS  Z2, Z28, Z2
	VPANDD  Z29, Z0, Z6            // |x|
	VCMPPS  $0x11, Z30, Z6, K1     // |x| < 0.0004
	VMOVAPS Z0, K1, Z2             // gives x
	VCMPPS  $0x1e, Z31, Z6, K2     // |x| > 9
	VPANDD  Z15, Z0, Z8
	VPORD   Z27, Z8, Z8            // sign(x)
	VMOVAPS Z8, K2, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     addTanh512Loop

addTanh512Done:
	VZEROUPPER
	RET
