package safetensors

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/x448/float16"
)

// readers opens the file b from a reader and from bytes.
func readers(t *testing.T, b []byte) []*Reader {
	t.Helper()
	fromReader, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	fromBytes, err := OpenBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return []*Reader{fromReader, fromBytes}
}

// TestReaderMatchesRead checks that decoding tensors one by one, from a
// reader or in place from bytes, gives what Read gives.
func TestReaderMatchesRead(t *testing.T) {
	for _, d := range []DType{F32, F16, BF16} {
		b := encode(t, sample(), map[string]string{"k": "v"}, d)
		want, err := decode(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, rd := range readers(t, b) {
			if !mapsEqual(rd.Metadata, want.Metadata) {
				t.Errorf("%s: metadata %v, want %v", d, rd.Metadata, want.Metadata)
			}
			infos := rd.Tensors()
			if len(infos) != len(want.Tensors) {
				t.Fatalf("%s: %d tensors, want %d", d, len(infos), len(want.Tensors))
			}
			for i, w := range want.Tensors {
				info, ok := rd.Tensor(w.Name)
				if !ok || infos[i].Name != w.Name || info.Name != w.Name ||
					!slices.Equal(info.Shape, w.Shape) || info.DType != d || info.Len != len(w.Data) {
					t.Fatalf("%s: tensor %q described as %+v (ok %v), want shape %v", d, w.Name, info, ok, w.Shape)
				}
				got := make([]float32, info.Len)
				if err := rd.ReadTensor(w.Name, got); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, w.Data) {
					t.Errorf("%s: tensor %q = %v, want %v", d, w.Name, got, w.Data)
				}
			}
		}
	}
}

func TestReadTensorErrors(t *testing.T) {
	rd, err := OpenBytes(encode(t, sample(), nil, F16))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		n    int
		want string
	}{
		{"nope", 1, "no such tensor"},
		{"w", 5, "5 values to fill, the tensor has 6"},
		{"w", 7, "7 values to fill"},
	} {
		err := rd.ReadTensor(tc.name, make([]float32, tc.n))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("ReadTensor(%q, %d values) = %v, want an error naming it with %q", tc.name, tc.n, err, tc.want)
		}
	}
}

// TestF16TableExact checks every float16 bit pattern against the
// conversion of x448/float16, NaN payloads included.
func TestF16TableExact(t *testing.T) {
	src := make([]byte, 2<<16)
	for h := range 1 << 16 {
		src[2*h], src[2*h+1] = byte(h), byte(h>>8)
	}
	dst := make([]float32, 1<<16)
	F16.decode(dst, src)
	for h, got := range dst {
		if want := float16.Frombits(uint16(h)).Float32(); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("float16 %#04x decoded as %#08x, want %#08x", h, math.Float32bits(got), math.Float32bits(want))
		}
	}
}

// TestReadTensorAt checks that every part of a tensor, read from a
// reader or from bytes, is the same part of the whole tensor, and that a
// part outside the tensor is refused.
func TestReadTensorAt(t *testing.T) {
	for _, d := range []DType{F32, F16, BF16} {
		b := encode(t, sample(), nil, d)
		for _, rd := range readers(t, b) {
			whole := make([]float32, 6)
			if err := rd.ReadTensor("w", whole); err != nil {
				t.Fatal(err)
			}
			for off := range 6 {
				for n := range 7 - off {
					got := make([]float32, n)
					if err := rd.ReadTensorAt("w", off, got); err != nil {
						t.Fatalf("%s: ReadTensorAt(w, %d, %d values): %v", d, off, n, err)
					}
					if !slices.Equal(got, whole[off:off+n]) {
						t.Errorf("%s: ReadTensorAt(w, %d, %d values) = %v, want %v", d, off, n, got, whole[off:off+n])
					}
				}
			}
			for _, tc := range []struct {
				name   string
				off, n int
			}{{"w", 0, 7}, {"w", 5, 2}, {"w", -1, 1}, {"nope", 0, 1}} {
				if err := rd.ReadTensorAt(tc.name, tc.off, make([]float32, tc.n)); err == nil || !strings.Contains(err.Error(), tc.name) {
					t.Errorf("%s: ReadTensorAt(%q, %d, %d values) = %v, want an error naming it", d, tc.name, tc.off, tc.n, err)
				}
			}
		}
	}
}

// TestReadRaw checks that the stored bytes of each tensor, decoded with
// Decode, give what Read gives, that OpenBytes hands out a view of the
// file and Open a copy, and that an unknown name is an error.
func TestReadRaw(t *testing.T) {
	for _, d := range []DType{F32, F16, BF16} {
		b := encode(t, sample(), nil, d)
		want, err := decode(b)
		if err != nil {
			t.Fatal(err)
		}
		for i, rd := range readers(t, b) {
			inPlace := i == 1
			for _, w := range want.Tensors {
				raw, dtype, err := rd.ReadRaw(w.Name)
				if err != nil {
					t.Fatal(err)
				}
				if dtype != d || len(raw) != len(w.Data)*d.Size() {
					t.Fatalf("%s: tensor %q: %d bytes of %s, want %d of %s", d, w.Name, len(raw), dtype, len(w.Data)*d.Size(), d)
				}
				got := make([]float32, len(w.Data))
				dtype.Decode(got, raw)
				if !slices.Equal(got, w.Data) {
					t.Errorf("%s: tensor %q decoded from its bytes = %v, want %v", d, w.Name, got, w.Data)
				}
				if len(raw) > 0 {
					if view := &raw[0] == &b[rd.dataStart+offsetOf(t, rd, w.Name)]; view != inPlace {
						t.Errorf("%s: tensor %q: bytes are a view of the file %v, want %v", d, w.Name, view, inPlace)
					}
				}
			}
			if _, _, err := rd.ReadRaw("missing"); err == nil {
				t.Errorf("%s: ReadRaw of a missing tensor succeeded", d)
			}
		}
	}
}

// offsetOf returns where the data of the tensor called name begins in the
// data buffer.
func offsetOf(t *testing.T, rd *Reader, name string) int64 {
	t.Helper()
	e, err := rd.entry(name)
	if err != nil {
		t.Fatal(err)
	}
	return e.begin
}
