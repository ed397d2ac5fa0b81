//go:build amd64.v3

package linalg

// closeToScalar reports whether a vector kernel's result got is close enough
// to the scalar function's result want. With GOAMD64=v3 the Go compiler may
// fuse the scalar code's multiply-adds, which the kernels round separately,
// so the two may differ by a few ulp, or by up to 5e-7 absolute (Sigmoid's
// error is absolute: it comes from Tanh near -1).
func closeToScalar(got, want float32) bool {
	return ulpDiff(got, want) <= 8 || (got-want <= 5e-7 && want-got <= 5e-7)
}
