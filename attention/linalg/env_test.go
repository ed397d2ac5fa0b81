package linalg

import (
	"strings"
	"testing"
)

func TestCheckEnv(t *testing.T) {
	tests := []struct {
		blas, noAsm string
		wantErr     string // "" for none
	}{
		{"", "", ""},
		{"auto", "0", ""},
		{"go", "1", ""},
		{"GONUM", "true", ""},
		{"pure", "false", ""},
		{"bogus", "", `unknown NMT_BLAS value "bogus"`},
		{"openblass", "", `unknown NMT_BLAS value "openblass"`},
		{"asm:sse2", "", "NMT_BLAS=asm:sse2: the backend cannot be loaded"},
		{"go", "yes please", `NMT_NOASM="yes please"`},
		{"openblas:/nonexistent/libopenblas.so", "", "NMT_BLAS=openblas:/nonexistent/libopenblas.so: the backend cannot be loaded"},
	}
	if err := checkInt8Setting("mmx"); err == nil || !strings.Contains(err.Error(), `NMT_INT8="mmx"`) {
		t.Errorf("NMT_INT8=mmx: %v, want an error naming it", err)
	}
	if err := checkInt8Setting("go"); err != nil {
		t.Errorf("NMT_INT8=go: %v", err)
	}
	for _, tt := range tests {
		chosen := func() *backend { b := selectBackend(tt.blas); return &b }
		err := checkEnv(tt.blas, tt.noAsm, chosen)
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("NMT_BLAS=%q NMT_NOASM=%q: error %v, want %q", tt.blas, tt.noAsm, err, tt.wantErr)
		}
	}
}
