package linalg

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// The environment variables the package reads, once, when it starts.
const (
	// EnvBLAS chooses the matrix product backend: "auto" (or unset: the
	// own sgemm where the CPU has AVX2 and FMA, else OpenBLAS if installed,
	// else pure Go), "asm" (also "asm:avx2", "asm:avx512"), "go" (also
	// "gonum", "pure"), or "openblas" ("openblas:PATH" names the library).
	EnvBLAS = "NMT_BLAS"
	// EnvInt8 names the int8 kernel to use ("go", "avx2", "avx512-vnni");
	// unset, the fastest the CPU runs.
	EnvInt8 = "NMT_INT8"
	// EnvNoAsm, set to a true value of strconv.ParseBool ("1", "true"),
	// runs every kernel in pure Go: the element-wise kernels and the int8
	// products (which then compute the same integers, slowly).
	EnvNoAsm = "NMT_NOASM"
)

// BLAS backend kinds, the first part of an NMT_BLAS value.
const (
	blasAuto     = "auto"
	blasAsm      = "asm"
	blasGo       = "go"
	blasOpenBLAS = "openblas"
)

// blasSetting is a parsed NMT_BLAS value.
type blasSetting struct {
	kind string // blasAuto, blasAsm, blasGo or blasOpenBLAS
	path string // the library to load (openblas:PATH), the micro-kernel (asm:avx2)
}

// parseBLAS parses a value of NMT_BLAS. A new backend adds its names here
// and its loading to selectBackend.
func parseBLAS(value string) (blasSetting, error) {
	kind, path, _ := strings.Cut(value, ":")
	switch strings.ToLower(kind) {
	case "", "auto":
		return blasSetting{kind: blasAuto, path: path}, nil
	case "go", "gonum", "pure":
		return blasSetting{kind: blasGo}, nil
	case "asm":
		return blasSetting{kind: blasAsm, path: path}, nil
	case "openblas":
		return blasSetting{kind: blasOpenBLAS, path: path}, nil
	}
	return blasSetting{}, fmt.Errorf("unknown %s value %q (want asm, openblas, go or auto)", EnvBLAS, value)
}

// parseNoAsm parses a value of NMT_NOASM: whether assembly is turned off.
func parseNoAsm(value string) (bool, error) {
	if value == "" {
		return false, nil
	}
	off, err := strconv.ParseBool(value)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want 1 or 0 (true or false)", EnvNoAsm, value)
	}
	return off, nil
}

// noAsmRequested reports whether NMT_NOASM asks for pure Go; an invalid
// value does not (CheckEnv reports it).
func noAsmRequested(value string) bool {
	off, _ := parseNoAsm(value)
	return off
}

// CheckEnv reports an invalid NMT_BLAS or NMT_NOASM, and a backend that
// NMT_BLAS requires but that cannot be loaded, naming the variable. The
// kernels never fail on them (they fall back to pure Go), so a program
// calls CheckEnv once at its start to refuse what would otherwise be a
// silent fallback.
func CheckEnv() error {
	if err := checkInt8Setting(os.Getenv(EnvInt8)); err != nil {
		return err
	}
	return checkEnv(os.Getenv(EnvBLAS), os.Getenv(EnvNoAsm), current)
}

// checkInt8Setting reports an NMT_INT8 value that names no int8 kernel
// this CPU runs.
func checkInt8Setting(value string) error {
	if value == "" {
		return nil
	}
	var names []string
	for _, k := range int8Kernels() {
		if strings.EqualFold(value, k.String()) {
			return nil
		}
		names = append(names, k.String())
	}
	return fmt.Errorf("%s=%q: not an int8 kernel of this CPU (want one of %s)", EnvInt8, value, strings.Join(names, ", "))
}

// checkEnv is CheckEnv for the values blas and noAsm, where chosen returns
// the backend selected for blas.
func checkEnv(blas, noAsm string, chosen func() *backend) error {
	if _, err := parseNoAsm(noAsm); err != nil {
		return err
	}
	s, err := parseBLAS(blas)
	if err != nil {
		return err
	}
	if s.kind == blasOpenBLAS || s.kind == blasAsm {
		if b := chosen(); b.err != nil {
			return fmt.Errorf("%s=%s: the backend cannot be loaded: %w", EnvBLAS, blas, b.err)
		}
	}
	return nil
}
