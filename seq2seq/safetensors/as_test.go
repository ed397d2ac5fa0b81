package safetensors

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestTensorAs checks that a tensor's As overrides the file's dtype: I8
// integers (rounded to the nearest, clamped) and F32 scales in an F16
// file, read back with their own types, checksummed as written, in both
// readers.
func TestTensorAs(t *testing.T) {
	ts := []Tensor{
		{Name: "q", Shape: []int{2, 3}, Data: []float32{-127, 0, 5, 127, -3.6, 200}, As: I8},
		{Name: "scale", Shape: []int{2}, Data: []float32{1.0000001, 3e-9}, As: F32},
		{Name: "w", Shape: []int{2}, Data: []float32{0.5, -2}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, ts, nil, F16); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		dtype DType
		data  []float32
	}{
		"q":     {I8, []float32{-127, 0, 5, 127, -4, 127}},
		"scale": {F32, []float32{1.0000001, 3e-9}},
		"w":     {F16, []float32{0.5, -2}},
	}
	sum, err := Checksum(ts, F16)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := OpenBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rd.Checksum(); err != nil || got != sum {
		t.Errorf("checksum %08x (%v), Checksum says %08x", got, err, sum)
	}
	for name, w := range want {
		info, ok := rd.Tensor(name)
		if !ok {
			t.Fatalf("tensor %s missing", name)
		}
		got := make([]float32, info.Len)
		if err := rd.ReadTensor(name, got); err != nil {
			t.Fatal(err)
		}
		if info.DType != w.dtype || !slices.Equal(got, w.data) {
			t.Errorf("%s: %s %v, want %s %v", name, info.DType, got, w.dtype, w.data)
		}
	}
	if err := Write(&buf, []Tensor{{Name: "x", Shape: []int{1}, Data: []float32{1}, As: "I64"}}, nil, F32); err == nil || !strings.Contains(err.Error(), `unsupported dtype "I64"`) {
		t.Errorf("Write with As I64: %v, want an unsupported dtype error", err)
	}
	if err := Write(&buf, ts, nil, I8); err == nil {
		t.Error("Write accepted I8 as the file's dtype")
	}
}
