//go:build !windows && !noopenblas

package linalg

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"github.com/ebitengine/purego"
)

// libraryNames are the names under which distributions install OpenBLAS.
var libraryNames = []string{
	"libopenblas.so.0",
	"libopenblas.so",
	"/usr/lib/x86_64-linux-gnu/libopenblas.so.0",
	"/usr/lib/aarch64-linux-gnu/libopenblas.so.0",
	"/usr/local/lib/libopenblas.so",
	"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
	"/usr/local/opt/openblas/lib/libopenblas.dylib",
}

// loadOpenBLAS opens the OpenBLAS shared library (path, or the usual names
// when path is empty) and returns a backend calling its Fortran sgemm_.
// The Fortran entry point takes every argument by pointer, so it is called
// through purego.SyscallN without cgo or reflection.
func loadOpenBLAS(path string) (backend, error) {
	names := libraryNames
	if path != "" {
		names = []string{path}
	}
	var lib uintptr
	var errs []error
	for _, name := range names {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_LOCAL)
		if err == nil {
			lib, path = h, name
			break
		}
		errs = append(errs, err)
	}
	if lib == 0 {
		return backend{}, fmt.Errorf("no OpenBLAS library found: %w", errors.Join(errs...))
	}
	sgemm, err := purego.Dlsym(lib, "sgemm_")
	if err != nil {
		return backend{}, fmt.Errorf("%s: %w", path, err)
	}
	// OpenBLAS's own threads spin between calls and would compete with
	// the goroutines of the element-wise kernels: run it single-threaded
	// and split large products across goroutines instead (see splitGemm).
	if fn, err := purego.Dlsym(lib, "openblas_set_num_threads"); err == nil {
		purego.SyscallN(fn, 1)
	}
	name := fmt.Sprintf("openblas (%s, %d goroutines)", path, runtime.GOMAXPROCS(0))
	sgemv, _ := purego.Dlsym(lib, "sgemv_") // 0 when missing: sgemm serves
	call := func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		if m == 1 && sgemv != 0 {
			// A single row (decoding one sentence): a matrix-vector
			// product streams B once, where sgemm would pack it first.
			callGemv(sgemv, transA, transB, n, k, alpha, a, lda, b, ldb, beta, c)
			return
		}
		// Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T:
		// swap the operands and the dimensions m and n.
		args := fortranArgs{
			transA: 'N', transB: 'N',
			m: int32(n), n: int32(m), k: int32(k),
			lda: int32(ldb), ldb: int32(lda), ldc: int32(ldc),
			alpha: alpha, beta: beta,
		}
		if transB {
			args.transA = 'T'
		}
		if transA {
			args.transB = 'T'
		}
		purego.SyscallN(sgemm,
			uintptr(unsafe.Pointer(&args.transA)), uintptr(unsafe.Pointer(&args.transB)),
			uintptr(unsafe.Pointer(&args.m)), uintptr(unsafe.Pointer(&args.n)), uintptr(unsafe.Pointer(&args.k)),
			uintptr(unsafe.Pointer(&args.alpha)),
			uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(&args.lda)),
			uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(&args.ldb)),
			uintptr(unsafe.Pointer(&args.beta)),
			uintptr(unsafe.Pointer(unsafe.SliceData(c))), uintptr(unsafe.Pointer(&args.ldc)),
		)
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
		runtime.KeepAlive(c)
	}
	return backend{name: name, gemm: func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		splitGemm(call, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}}, nil
}

// fortranArgs holds the by-reference scalar arguments of sgemm_.
type fortranArgs struct {
	transA, transB byte
	m, n, k        int32
	lda, ldb, ldc  int32
	alpha, beta    float32
}

// callGemv computes the one-row product c[1, n] = alpha * op(a)[1, k] *
// op(B)[k, n] + beta * c with the Fortran sgemv_. Row-major B is the
// transpose of a column-major matrix with leading dimension ldb.
func callGemv(sgemv uintptr, transA, transB bool, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32) {
	args := gemvArgs{trans: 'T', m: int32(k), n: int32(n), lda: int32(ldb), incx: 1, incy: 1, alpha: alpha, beta: beta}
	if !transB {
		// B row-major [k, n] is column-major [n, k]: c = B_col * a.
		args.trans, args.m, args.n = 'N', int32(n), int32(k)
	}
	if transA {
		args.incx = int32(lda) // a is a column of the stored [k, 1] matrix
	}
	purego.SyscallN(sgemv,
		uintptr(unsafe.Pointer(&args.trans)),
		uintptr(unsafe.Pointer(&args.m)), uintptr(unsafe.Pointer(&args.n)),
		uintptr(unsafe.Pointer(&args.alpha)),
		uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(&args.lda)),
		uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(&args.incx)),
		uintptr(unsafe.Pointer(&args.beta)),
		uintptr(unsafe.Pointer(unsafe.SliceData(c))), uintptr(unsafe.Pointer(&args.incy)),
	)
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(c)
}

// gemvArgs holds the by-reference scalar arguments of sgemv_.
type gemvArgs struct {
	trans       byte
	m, n        int32
	lda         int32
	incx, incy  int32
	alpha, beta float32
}
