package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sample returns a small set of tensors covering a scalar, a matrix and an
// empty tensor.
func sample() []Tensor {
	return []Tensor{
		{Name: "w", Shape: []int{2, 3}, Data: []float32{1, -2, 0.5, 0.25, 1024, -0.125}},
		{Name: "bias", Shape: []int{3}, Data: []float32{0, -0, 3}},
		{Name: "scalar", Shape: []int{}, Data: []float32{7}},
		{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
	}
}

func encode(t testing.TB, ts []Tensor, meta map[string]string, d DType) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, ts, meta, d); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decode(b []byte) (*File, error) { return Read(bytes.NewReader(b), int64(len(b))) }

// TestWriteLayout checks the exact bytes of a tiny file derived by hand from
// the format description: sorted tensors, metadata first, header padded
// with spaces to a multiple of 8, little-endian data.
func TestWriteLayout(t *testing.T) {
	ts := []Tensor{
		{Name: "b", Shape: []int{2}, Data: []float32{1, -2}},
		{Name: "a", Shape: []int{}, Data: []float32{0.5}},
	}
	got := encode(t, ts, map[string]string{"format": "pt"}, F32)
	header := `{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},` +
		`"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}` + "      " // 138 bytes + 6 spaces
	want := []byte{0x90, 0, 0, 0, 0, 0, 0, 0} // 144
	want = append(want, header...)
	want = append(want,
		0x00, 0x00, 0x00, 0x3f, // 0.5
		0x00, 0x00, 0x80, 0x3f, // 1
		0x00, 0x00, 0x00, 0xc0, // -2
	)
	if !bytes.Equal(got, want) {
		t.Errorf("Write:\n got %q\nwant %q", got, want)
	}

	got16 := encode(t, ts, nil, F16)
	header16 := `{"a":{"dtype":"F16","shape":[],"data_offsets":[0,2]},"b":{"dtype":"F16","shape":[2],"data_offsets":[2,6]}}      ` // 106 bytes + 6 spaces
	want16 := append([]byte{112, 0, 0, 0, 0, 0, 0, 0}, header16...)
	want16 = append(want16, 0x00, 0x38, 0x00, 0x3c, 0x00, 0xc0) // 0.5, 1, -2
	if !bytes.Equal(got16, want16) {
		t.Errorf("Write F16:\n got %q\nwant %q", got16, want16)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dtype DType
		meta  map[string]string
	}{
		{"f32", F32, map[string]string{"format": "attnmt", "config": `{"a":1,"s":"<x>&"}`, "unicode": "Grüße"}},
		{"f16", F16, nil},
		{"bf16", BF16, map[string]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := sample()
			f, err := decode(encode(t, in, tc.meta, tc.dtype))
			if err != nil {
				t.Fatal(err)
			}
			if len(tc.meta) == 0 && f.Metadata != nil {
				t.Errorf("metadata = %v, want none", f.Metadata)
			} else if len(tc.meta) > 0 && !mapsEqual(f.Metadata, tc.meta) {
				t.Errorf("metadata = %v, want %v", f.Metadata, tc.meta)
			}
			if len(f.Tensors) != len(in) {
				t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(in))
			}
			for _, w := range in {
				g, ok := f.Tensor(w.Name)
				if !ok {
					t.Fatalf("tensor %q missing", w.Name)
				}
				// All sample values are exact in F16 and BF16.
				if !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) || g.DType != tc.dtype {
					t.Errorf("tensor %q = %v %v %v, want %v %v %v", w.Name, g.DType, g.Shape, g.Data, tc.dtype, w.Shape, w.Data)
				}
			}
			if _, ok := f.Tensor("nope"); ok {
				t.Error("Tensor(nope) found")
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestFloat16(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		bits uint16
	}{
		{1, 0x3c00},
		{-2, 0xc000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{65504, 0x7bff},                                        // largest finite
		{65520, 0x7c00},                                        // halfway to 2^16: rounds to +Inf
		{float32(math.Ldexp(1, -24)), 0x0001},                  // smallest subnormal
		{float32(math.Ldexp(1, -25)), 0x0000},                  // tie between 0 and 2^-24: even is 0
		{float32(math.Ldexp(3, -25)), 0x0002},                  // tie between 1 and 2 ulps: even is 2
		{float32(math.Ldexp(1, -14)), 0x0400},                  // smallest normal
		{1 + float32(math.Ldexp(1, -11)), 0x3c00},              // tie: even mantissa
		{1 + float32(math.Ldexp(3, -11)), 0x3c02},              // tie: even mantissa upwards
		{1e-9, 0x0000},                                         // underflow
		{float32(math.Inf(1)), 0x7c00},                         //
		{float32(math.Inf(-1)), 0xfc00},                        //
		{float32(math.Ldexp(1, -24) * 1.5), 0x0002},            // subnormal tie to even
		{float32(math.Ldexp(1, -24) * 1.25), 0x0001},           // subnormal below tie
		{float32(math.Ldexp(1023, -24) + 1.0/(1<<25)), 0x0400}, // top subnormal rounds to smallest normal
	} {
		b := make([]byte, 2)
		F16.encode(b, []float32{tc.in})
		if got := binary.LittleEndian.Uint16(b); got != tc.bits {
			t.Errorf("F16(%g) = %#04x, want %#04x", tc.in, got, tc.bits)
		}
	}
	b := make([]byte, 2)
	F16.encode(b, []float32{float32(math.NaN())})
	out := make([]float32, 1)
	F16.decode(out, b)
	if !math.IsNaN(float64(out[0])) {
		t.Errorf("F16 NaN round trip = %g", out[0])
	}
	F16.decode(out, []byte{0x01, 0x00})
	if out[0] != float32(math.Ldexp(1, -24)) {
		t.Errorf("F16 0x0001 = %g, want 2^-24", out[0])
	}
}

func TestBFloat16(t *testing.T) {
	for _, tc := range []struct {
		in   float32
		bits uint16
	}{
		{1, 0x3f80},
		{-2, 0xc000},
		{1 + float32(math.Ldexp(1, -8)), 0x3f80}, // tie: even
		{1 + float32(math.Ldexp(3, -8)), 0x3f82}, // tie: even upwards
		{1 + float32(math.Ldexp(1, -9)), 0x3f80}, // below tie
		{math.MaxFloat32, 0x7f80},                // rounds to +Inf
		{float32(math.Inf(-1)), 0xff80},          //
		{float32(math.Ldexp(1, -133)), 0x0001},   // subnormal
		{float32(math.Copysign(0, -1)), 0x8000},  //
	} {
		if got := toBF16(tc.in); got != tc.bits {
			t.Errorf("BF16(%g) = %#04x, want %#04x", tc.in, got, tc.bits)
		}
	}
	nan := toBF16(float32(math.NaN()))
	if !math.IsNaN(float64(fromBF16(nan))) {
		t.Errorf("BF16 NaN = %#04x, not NaN", nan)
	}
	// A NaN whose payload lives only in the low 16 bits must not become Inf.
	if v := fromBF16(toBF16(math.Float32frombits(0x7f800001))); !math.IsNaN(float64(v)) {
		t.Errorf("low-payload NaN became %g", v)
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		ts    []Tensor
		dtype DType
		want  string
	}{
		{"dtype", sample(), "I64", "unsupported dtype"},
		{"duplicate", []Tensor{{Name: "a", Data: []float32{1}}, {Name: "a", Data: []float32{2}}}, F32, `duplicate tensor name "a"`},
		{"empty name", []Tensor{{Name: "", Data: []float32{1}}}, F32, "empty name"},
		{"reserved", []Tensor{{Name: "__metadata__", Data: []float32{1}}}, F32, "reserved"},
		{"size", []Tensor{{Name: "a", Shape: []int{2, 2}, Data: []float32{1}}}, F32, "needs 4 values, have 1"},
		{"negative", []Tensor{{Name: "a", Shape: []int{-1}, Data: nil}}, F32, "negative dimension"},
		{"overflow", []Tensor{{Name: "a", Shape: []int{1 << 31, 1 << 31, 4}, Data: nil}}, F32, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, tc.ts, nil, tc.dtype)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// build assembles a file from a header string and a data buffer.
func build(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestReadErrors(t *testing.T) {
	valid := encode(t, sample(), map[string]string{"k": "v"}, F32)
	eight := make([]byte, 8)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"short", []byte{1, 2, 3}, "too short"},
		{"truncated data", valid[:len(valid)-1], "out of"},
		{"extra data", append(slices.Clone(valid), 0), "cover"},
		{"header past end", binary.LittleEndian.AppendUint64(nil, 100), "runs past the end"},
		{"huge header", binary.LittleEndian.AppendUint64(nil, 1<<63), "above the limit"},
		{"not object", build(`[1,2]`, nil), "does not start with '{'"},
		{"empty header", build(``, nil), "header is empty"},
		{"bad json", build(`{"a":`, nil), "header"},
		{"trailing", build(`{} x`, nil), "unexpected bytes"},
		{"utf8", build("{\"\xff\":{}}", nil), "UTF-8"},
		{"duplicate", build(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, eight[:4]), `duplicate key "a"`},
		{"metadata type", build(`{"__metadata__":{"k":1}}`, nil), "map strings to strings"},
		{"metadata object value", build(`{"__metadata__":{"k":{"a":"b"}}}`, nil), `map strings to strings, has an object for "k"`},
		{"metadata array", build(`{"__metadata__":["k"]}`, nil), "map strings to strings"},
		{"metadata truncated", build(`{"__metadata__":{"k":"v"`, nil), "header"},
		{"unknown field", build(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4],"x":1}}`, eight[:4]), "unknown field"},
		{"entry not object", build(`{"a":3}`, nil), `tensor "a"`},
		{"missing dtype", build(`{"a":{"shape":[],"data_offsets":[0,4]}}`, eight[:4]), "missing dtype"},
		{"missing shape", build(`{"a":{"dtype":"F32","data_offsets":[0,4]}}`, eight[:4]), "missing shape"},
		{"missing offsets", build(`{"a":{"dtype":"F32","shape":[]}}`, eight[:4]), "missing data_offsets"},
		{"three offsets", build(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4,8]}}`, eight[:4]), "must hold 2"},
		{"unsupported dtype", build(`{"a":{"dtype":"I64","shape":[],"data_offsets":[0,8]}}`, eight), "unsupported dtype I64"},
		{"unknown dtype", build(`{"a":{"dtype":"F31","shape":[],"data_offsets":[0,4]}}`, eight[:4]), `unknown dtype "F31"`},
		{"negative dim", build(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, eight[:4]), "negative dimension"},
		{"fractional dim", build(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, eight[:4]), `tensor "a"`},
		{"huge shape", build(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,4]}}`, eight[:4]), "needs more bytes"},
		{"int overflow", build(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}`, eight[:4]), `tensor "a"`},
		{"size mismatch", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, eight), "span 8 bytes"},
		{"offsets reversed", build(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, eight[:4]), "out of"},
		{"offsets past data", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight[:4]), "out of"},
		{"negative offset", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, eight[:4]), "out of"},
		{"overlap", build(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), "overlap"},
		{"gap", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), "gap"},
		{"uncovered", build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, eight), "cover 4 bytes of the 8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := decode(tc.file)
			if err == nil {
				t.Fatalf("Read succeeded with %d tensors, want error containing %q", len(f.Tensors), tc.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error %v (%T) is not a *FormatError", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestReadAcceptsForeignLayouts reads files that other writers may produce:
// tensors listed out of data order, metadata last, no padding, BF16 data.
func TestReadAcceptsForeignLayouts(t *testing.T) {
	data := []byte{0x80, 0x3f, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f} // BF16 1, -2 then F32 0.5
	file := build(`{"b":{"dtype":"F32","shape":[1,1],"data_offsets":[4,8]}, "a":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"__metadata__":null}`, data)
	f, err := decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata != nil {
		t.Errorf("metadata = %v, want nil", f.Metadata)
	}
	a, _ := f.Tensor("a")
	b, _ := f.Tensor("b")
	if !slices.Equal(a.Data, []float32{1, -2}) || a.DType != BF16 || !slices.Equal(b.Data, []float32{0.5}) || !slices.Equal(b.Shape, []int{1, 1}) {
		t.Errorf("a = %+v, b = %+v", a, b)
	}
	if f.Tensors[0].Name != "a" {
		t.Errorf("tensors not in data order: first is %q", f.Tensors[0].Name)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := WriteFile(path, sample(), map[string]string{"v": "1"}, F32); err != nil {
		t.Fatal(err)
	}
	// A failing write leaves the previous file intact and no temporary file.
	bad := []Tensor{{Name: "a", Data: []float32{1}}, {Name: "a", Data: []float32{1}}}
	if err := WriteFile(path, bad, nil, F32); err == nil {
		t.Fatal("WriteFile with duplicate names succeeded")
	}
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["v"] != "1" || len(f.Tensors) != len(sample()) {
		t.Errorf("file changed by a failed write: %+v", f.Metadata)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file", len(entries))
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("ReadFile of a missing file succeeded")
	}
	if err := os.WriteFile(path, []byte("garbage!garbage!"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile of a corrupt file: error %v, want one naming %s", err, path)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(encode(f, sample(), map[string]string{"k": "v"}, F32))
	f.Add(encode(f, sample(), nil, F16))
	f.Add(encode(f, sample()[:1], nil, BF16))
	f.Add(build(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := decode(b)
		if err != nil {
			return
		}
		// Decoding in place, tensor by tensor, gives the same values.
		rd, err := OpenBytes(b)
		if err != nil {
			t.Fatalf("Read accepts the file, OpenBytes does not: %v", err)
		}
		for _, tn := range file.Tensors {
			got := make([]float32, len(tn.Data))
			if err := rd.ReadTensor(tn.Name, got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(tn.Data[i]) {
					t.Fatalf("tensor %q value %d: ReadTensor %g, Read %g", tn.Name, i, got[i], tn.Data[i])
				}
			}
		}
		// What was read must survive a write and a read unchanged.
		var ts []Tensor
		for _, tn := range file.Tensors {
			ts = append(ts, Tensor{Name: tn.Name, Shape: tn.Shape, Data: tn.Data})
		}
		again, err := decode(encode(t, ts, file.Metadata, F32))
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		for _, tn := range file.Tensors {
			g, ok := again.Tensor(tn.Name)
			if !ok || !slices.Equal(g.Shape, tn.Shape) || len(g.Data) != len(tn.Data) {
				t.Fatalf("tensor %q changed in a round trip", tn.Name)
			}
			for i := range g.Data {
				if math.Float32bits(g.Data[i]) != math.Float32bits(tn.Data[i]) {
					t.Fatalf("tensor %q value %d changed: %g -> %g", tn.Name, i, tn.Data[i], g.Data[i])
				}
			}
		}
	})
}

func ExampleWrite() {
	var buf bytes.Buffer
	tensors := []Tensor{{Name: "embed", Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}}}
	if err := Write(&buf, tensors, map[string]string{"format": "demo"}, F16); err != nil {
		fmt.Println(err)
		return
	}
	f, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := f.Tensor("embed")
	fmt.Println(buf.Len(), f.Metadata["format"], e.DType, e.Shape, e.Data)
	// Output: 112 demo F16 [2 2] [1 2 3 4]
}

func benchTensors() []Tensor {
	data := make([]float32, 1<<20)
	for i := range data {
		data[i] = float32(i%1000) / 7
	}
	return []Tensor{{Name: "w", Shape: []int{1024, 1024}, Data: data}}
}

func BenchmarkWrite(b *testing.B) {
	ts := benchTensors()
	for _, d := range []DType{F32, F16} {
		b.Run(string(d), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(ts[0].Data) * 4))
			for b.Loop() {
				if err := Write(discard{}, ts, nil, d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRead(b *testing.B) {
	ts := benchTensors()
	for _, d := range []DType{F32, F16} {
		b.Run(string(d), func(b *testing.B) {
			file := encode(b, ts, nil, d)
			b.ReportAllocs()
			b.SetBytes(int64(len(ts[0].Data) * 4))
			for b.Loop() {
				if _, err := decode(file); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func TestChecksumMatchesRead(t *testing.T) {
	ts := []Tensor{
		{Name: "b", Shape: []int{3}, Data: []float32{1, -2, 3.5}},
		{Name: "a", Shape: []int{2, 2}, Data: []float32{0.25, 7, -1e-3, 65504}},
	}
	for _, d := range []DType{F32, F16, BF16} {
		var buf bytes.Buffer
		if err := Write(&buf, ts, map[string]string{"k": "v"}, d); err != nil {
			t.Fatal(err)
		}
		f, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		want, err := Checksum(ts, d)
		if err != nil {
			t.Fatal(err)
		}
		if f.Checksum != want {
			t.Errorf("%s: Read's checksum %08x, Checksum %08x", d, f.Checksum, want)
		}
		data := buf.Bytes()[8+binary.LittleEndian.Uint64(buf.Bytes()):]
		if got := crc32.ChecksumIEEE(data); got != want {
			t.Errorf("%s: Checksum %08x, CRC-32 of the data buffer %08x", d, want, got)
		}
	}
	if _, err := Checksum(ts, "I8"); err == nil {
		t.Error("Checksum accepted an unsupported dtype")
	}
}

// BenchmarkChecksum measures the checksum Read computes, on the data of a
// model the size of the built-in ones (13.2M half-precision weights).
func BenchmarkChecksum(b *testing.B) {
	data := make([]byte, 2*13_200_000)
	for i := range data {
		data[i] = byte(i * 7)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var sum uint32
		for lo := 0; lo < len(data); lo += 1 << 16 { // as readData does
			sum = crc32.Update(sum, crc32.IEEETable, data[lo:min(lo+1<<16, len(data))])
		}
	}
}

// BenchmarkParseHeaderBuiltin parses the header of the built-in de-en
// model file (0.9 MB, mostly its tokenizers as escaped JSON strings), as
// Read does with jsontext, and, for comparison, decodes the same header
// with encoding/json (the top-level object, then the metadata), as Read
// did before.
func BenchmarkParseHeaderBuiltin(b *testing.B) {
	file, err := os.ReadFile(filepath.Join("..", "pretrained", "de-en.safetensors"))
	if err != nil {
		b.Skip(err)
	}
	n := binary.LittleEndian.Uint64(file)
	header, dataSize := file[8:8+n], int64(len(file))-8-int64(n)
	b.Run("jsontext", func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			if _, _, err := parseHeader(header, dataSize); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(n))
		for b.Loop() {
			var top map[string]json.RawMessage
			if err := json.Unmarshal(header, &top); err != nil {
				b.Fatal(err)
			}
			var meta map[string]string
			if err := json.Unmarshal(top[metadataKey], &meta); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestNullMetadata checks that a header whose metadata is null reads as a
// file without metadata.
func TestNullMetadata(t *testing.T) {
	f, err := decode(build(`{"__metadata__":null,"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`, make([]byte, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata != nil || len(f.Tensors) != 1 {
		t.Errorf("metadata %v, %d tensors; want none and 1", f.Metadata, len(f.Tensors))
	}
}
