package seq2seq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attnmt/nmt/seq2seq/safetensors"
)

// saveTiny saves a tiny model with weights edited by damage to a file of
// dtype and returns its path.
func saveTiny(t *testing.T, dtype safetensors.DType, damage func(*Model)) string {
	t.Helper()
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if damage != nil {
		damage(m)
	}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := (&File{Model: m, SrcTokenizer: []byte("{}"), TgtTokenizer: []byte("{}")}).Save(path, dtype); err != nil {
		t.Fatal(err)
	}
	return path
}

// setWeight fills the weight called name with v (at every index when all,
// else at one).
func setWeight(name string, v float32, all bool) func(*Model) {
	return func(m *Model) {
		for _, p := range m.Params() {
			if p.Name != name {
				continue
			}
			if !all {
				p.Value[len(p.Value)/2] = v
				return
			}
			for i := range p.Value {
				p.Value[i] = v
			}
		}
	}
}

func TestLoadRejectsNonFiniteWeights(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	for _, tc := range []struct {
		name   string
		dtype  safetensors.DType
		damage func(*Model)
		want   string
	}{
		{"src_embed all Inf, float16", safetensors.F16, setWeight("src_embed", inf, true), "weight src_embed is damaged: value 0 of 52 is +Inf"},
		{"NaN in output.w, float32", safetensors.F32, setWeight("output.w", nan, false), "weight output.w is damaged: value 30 of 60 is NaN"},
		{"-Inf in proj.b, bfloat16", safetensors.BF16, setWeight("proj.b", -inf, false), "weight proj.b is damaged"},
		// A finite float32 too large for float16 is infinite once stored.
		{"overflow to float16", safetensors.F16, setWeight("bridge.w", 1e6, false), "weight bridge.w is damaged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := saveTiny(t, tc.dtype, tc.damage)
			_, err := LoadFile(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v, want it to name %s and contain %q", err, path, tc.want)
			}
		})
	}
}

// dataStart returns the offset of the data buffer of a safetensors file.
func dataStart(t *testing.T, b []byte) int {
	t.Helper()
	return 8 + int(binary.LittleEndian.Uint64(b))
}

func TestLoadDetectsByteFlips(t *testing.T) {
	for _, dtype := range []safetensors.DType{safetensors.F16, safetensors.F32} {
		path := saveTiny(t, dtype, nil)
		good, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		start := dataStart(t, good)
		rng := rand.New(rand.NewPCG(1, 2))
		for range 50 {
			b := bytes.Clone(good)
			at := start + rng.IntN(len(b)-start)
			b[at] ^= byte(1 << rng.IntN(8))
			_, err := ReadFile(bytes.NewReader(b), int64(len(b)), "flipped")
			if !errors.Is(err, ErrChecksum) {
				t.Errorf("%s: bit flipped at byte %d of %d: error %v, want ErrChecksum", dtype, at, len(b), err)
			}
		}
	}
}

func TestLoadChecksumMetadata(t *testing.T) {
	m, err := New(tinyConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, sum string) string {
		path := filepath.Join(dir, name)
		f := &File{Model: m, SrcTokenizer: []byte("{}"), TgtTokenizer: []byte("{}")}
		if err := f.Save(path, safetensors.F32); err != nil {
			t.Fatal(err)
		}
		sf, err := safetensors.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if sum == "" {
			delete(sf.Metadata, metaChecksum)
		} else {
			sf.Metadata[metaChecksum] = sum
		}
		if err := safetensors.WriteFile(path, sf.Tensors, sf.Metadata, safetensors.F32); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, tc := range []struct {
		name, sum, wantErr, wantLog string
	}{
		{"old file without a checksum", "", "", "model file has no weights checksum"},
		{"malformed", "xyz", `metadata weights_crc32 is "xyz", want 8 hex digits`, ""},
		{"too long", "0000000000", "want 8 hex digits", ""},
		{"wrong", "00000000", "weights do not match their checksum", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			old := slog.Default()
			slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
			defer slog.SetDefault(old)
			path := write(strings.ReplaceAll(tc.name, " ", "-"), tc.sum)
			f, err := LoadFile(path)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("error %v, want it to load", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want %q", err, tc.wantErr)
			}
			if tc.wantLog != "" && (!strings.Contains(log.String(), tc.wantLog) || !strings.Contains(log.String(), path)) {
				t.Errorf("log %q, want %q naming the file", log.String(), tc.wantLog)
			}
			if f != nil {
				if _, ok := f.Metadata[metaChecksum]; ok {
					t.Errorf("the checksum is kept in File.Metadata, where Save would not renew it")
				}
			}
		})
	}
	t.Run("checked file logs nothing", func(t *testing.T) {
		var log bytes.Buffer
		old := slog.Default()
		slog.SetDefault(slog.New(slog.NewTextHandler(&log, nil)))
		defer slog.SetDefault(old)
		if _, err := LoadFile(saveTiny(t, safetensors.F16, nil)); err != nil {
			t.Fatal(err)
		}
		if log.Len() > 0 {
			t.Errorf("log %q, want nothing", log.String())
		}
	})
}

func TestInt8ErrorNamesTheWeight(t *testing.T) {
	for _, name := range []string{"proj.w", "decoder.wh", "encoder.0.bwd.wx", "attention.key"} {
		m, err := New(tinyConfig(), 3)
		if err != nil {
			t.Fatal(err)
		}
		setWeight(name, float32(math.NaN()), false)(m)
		_, err = m.NewInt8Decoder()
		if err == nil || !strings.Contains(err.Error(), "int8 weights of "+name) {
			t.Errorf("NaN in %s: error %v, want it to name the weight", name, err)
		}
	}
}
