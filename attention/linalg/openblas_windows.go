package linalg

import "errors"

// loadOpenBLAS reports that OpenBLAS is not loaded at run time on Windows,
// where Gemm uses the pure-Go BLAS.
func loadOpenBLAS(string) (backend, error) {
	return backend{}, errors.New("run-time loading of OpenBLAS is not supported on windows")
}
