//go:build !unix

package linalg

// cpuSeconds is 0: the benchmarks report wall-clock rates only.
func cpuSeconds() float64 { return 0 }
