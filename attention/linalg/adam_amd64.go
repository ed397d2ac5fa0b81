//go:build amd64 && !purego

package linalg

// The kernels below process the first len(w)&^7 (len(x)&^7) elements; see
// adam_amd64.s.

//go:noescape
func adamUpdateAVX2(w, g, m, v []float32, p AdamParams)

//go:noescape
func sumSquaresAVX2(x []float32) float64
