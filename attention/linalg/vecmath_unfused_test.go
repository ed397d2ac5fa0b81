//go:build !amd64.v3

package linalg

// closeToScalar reports whether a vector kernel's result got is close enough
// to the scalar function's result want: it must be identical (both NaN
// counts), since without GOAMD64=v3 the Go compiler does not fuse the scalar
// multiply-adds and the kernels repeat the scalar roundings.
func closeToScalar(got, want float32) bool { return ulpDiff(got, want) == 0 }
