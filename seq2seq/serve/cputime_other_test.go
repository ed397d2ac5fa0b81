//go:build !unix

package serve_test

// cpuSeconds is 0: the benchmarks report no CPU time per sentence.
func cpuSeconds() float64 { return 0 }
