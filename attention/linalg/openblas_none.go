//go:build windows || noopenblas

package linalg

import "errors"

// loadOpenBLAS reports that OpenBLAS is not loaded at run time on Windows
// or in a build with the noopenblas tag (a static binary: loading a shared
// library needs the dynamic loader), where Gemm uses the pure-Go BLAS.
func loadOpenBLAS(string) (backend, error) {
	return backend{}, errors.New("run-time loading of OpenBLAS is not supported on windows or with the noopenblas build tag")
}
