package align

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	ms := goldenSet(t)
	for _, f := range []Format{JSON, JSONL} {
		var buf bytes.Buffer
		if err := Write(&buf, f, ms, Options{}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadJSON(&buf, "x."+string(f))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(got, ms) {
			t.Errorf("%s: read back %+v, want %+v", f, got, ms)
		}
	}
}

func TestReadJSONErrors(t *testing.T) {
	okLine := `{"sentence":0,"source":"a","target":"b","source_tokens":["a"],"target_tokens":["b"],"source_words":[0],"target_words":[0],"weights":[[1]]}`
	tests := []struct {
		name, in, wantPrefix string
	}{
		{"bad second line", okLine + "\n{\"source\":1}\n", "in.jsonl:2: "},
		{"unknown key", `{"src":"a"}`, "in.jsonl:1: "},
		{"shape", strings.Replace(okLine, `[[1]]`, `[[1,2]]`, 1), "in.jsonl:1: "},
		{"word past line", strings.Replace(okLine, `"source_words":[0]`, `"source_words":[1]`, 1), "in.jsonl:1: "},
		{"trailing data", okLine + " {}", "in.jsonl:1: "},
		{"bad array element", "[" + okLine + ", {\"weights\": 1}]", "in.jsonl: element 1: "},
		{"broken array", "[" + okLine, "read in.jsonl: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.in), "in.jsonl")
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantPrefix) {
				t.Errorf("error = %v, want prefix %q", err, tt.wantPrefix)
			}
		})
	}
	if ms, err := ReadJSON(strings.NewReader(" \n"), "empty"); err != nil || len(ms) != 0 {
		t.Errorf("empty input: %v, %v", ms, err)
	}
}

func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := WriteJSONL(&buf, goldenSet(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`[{"source":"a","source_tokens":["a"],"source_words":[0],"weights":[]}]`))
	f.Add([]byte("{}\n\n{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		ms, err := ReadJSON(bytes.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		// Whatever was accepted is valid and can be written in every
		// text format.
		for _, f := range []Format{JSON, CSV, Pharaoh, HTML} {
			if err := Write(&bytes.Buffer{}, f, ms, Options{}); err != nil {
				t.Fatalf("%s of accepted input: %v", f, err)
			}
		}
	})
}

func BenchmarkWriteJSONL(b *testing.B) {
	ms := goldenSet(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteJSONL(&bytes.Buffer{}, ms); err != nil {
			b.Fatal(err)
		}
	}
}
