package tokenize

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sugarme/tokenizer/pretrained"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenTokenizer trains the small tokenizer whose file is
// testdata/small.tokenizer.json.
func goldenTokenizer(t testing.TB) *Tokenizer {
	return trainLines(t, TrainOptions{VocabSize: 300}, smallCorpus...)
}

func TestFileGolden(t *testing.T) {
	tok := goldenTokenizer(t)
	path := filepath.Join("testdata", "small.tokenizer.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := tok.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(tok.JSON(), want) {
		t.Errorf("tokenizer file differs from %s (run go test -update if the change is intended)", path)
	}
	if !json.Valid(want) {
		t.Errorf("%s is not valid JSON", path)
	}
}

func TestSaveLoad(t *testing.T) {
	tok := goldenTokenizer(t)
	path := filepath.Join(t.TempDir(), "tok.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.JSON(), tok.JSON()) {
		t.Error("Load(Save(t)).JSON() != t.JSON()")
	}
	for _, s := range smallCorpus {
		a, _ := tok.Encode(s)
		b, _ := got.Encode(s)
		if !slices.Equal(a.IDs, b.IDs) {
			t.Errorf("Encode(%q) differs after Save and Load", s)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("Save left %d files in the directory, want 1", len(entries))
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load(missing) error = %v, want one naming the file", err)
	}
	if err := tok.Save(filepath.Join(t.TempDir(), "no", "such", "dir", "tok.json")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

// TestSugarmeLoadsFile checks that sugarme's own loader, with its own
// pre-tokenizer and with the added tokens, reads the file and encodes as
// Tokenizer does.
func TestSugarmeLoadsFile(t *testing.T) {
	tok := goldenTokenizer(t)
	tk, err := pretrained.FromReader(bytes.NewReader(tok.JSON()))
	if err != nil {
		t.Fatal(err)
	}
	if got := tk.GetVocabSize(true); got != tok.VocabSize() {
		t.Errorf("sugarme vocabulary size %d, want %d", got, tok.VocabSize())
	}
	for _, s := range append(smallCorpus, "  two  spaces\tand tabs ", "it's 3 o'clock!") {
		want, err := tok.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tk.EncodeSingle(s, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Ids, want.IDs) {
			t.Errorf("%q: sugarme ids %v, Tokenizer ids %v", s, got.Ids, want.IDs)
		}
		if got := tk.Decode(got.Ids, true); got != s {
			t.Errorf("%q: sugarme decodes %q", s, got)
		}
	}
}

// mutate decodes the golden file, applies edit to it and encodes it again.
func mutate(t testing.TB, data []byte, edit func(f map[string]any)) []byte {
	t.Helper()
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	edit(f)
	out, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func model(f map[string]any) map[string]any   { return f["model"].(map[string]any) }
func vocabOf(f map[string]any) map[string]any { return model(f)["vocab"].(map[string]any) }

func TestFromJSONErrors(t *testing.T) {
	good := goldenTokenizer(t).JSON()
	if _, err := FromJSON(mutate(t, good, func(map[string]any) {})); err != nil {
		t.Fatalf("FromJSON(re-encoded golden file): %v", err)
	}
	tests := []struct {
		name    string
		edit    func(f map[string]any)
		wantErr string
	}{
		{"version", func(f map[string]any) { f["version"] = "2.0" }, `"version"`},
		{"no version", func(f map[string]any) { delete(f, "version") }, `"version"`},
		{"truncation", func(f map[string]any) { f["truncation"] = map[string]any{"max_length": 5} }, `"truncation"`},
		{"padding", func(f map[string]any) { f["padding"] = map[string]any{} }, `"padding"`},
		{"normalizer", func(f map[string]any) { f["normalizer"] = map[string]any{"type": "Lowercase"} }, `"normalizer"`},
		{"post_processor", func(f map[string]any) { f["post_processor"] = map[string]any{"type": "ByteLevel"} }, `"post_processor"`},
		{"metaspace", func(f map[string]any) { f["pre_tokenizer"] = map[string]any{"type": "Metaspace"} }, `"pre_tokenizer"`},
		{"prefix space", func(f map[string]any) {
			f["pre_tokenizer"].(map[string]any)["add_prefix_space"] = true
		}, `"pre_tokenizer"`},
		{"flag type", func(f map[string]any) { f["decoder"].(map[string]any)["trim_offsets"] = "yes" }, "decode tokenizer.json"},
		{"no decoder", func(f map[string]any) { delete(f, "decoder") }, `"decoder"`},
		{"wordpiece", func(f map[string]any) { model(f)["type"] = "WordPiece" }, `"model"`},
		{"no model", func(f map[string]any) { delete(f, "model") }, `"model"`},
		{"dropout", func(f map[string]any) { model(f)["dropout"] = 0.1 }, `"model.dropout"`},
		{"prefix", func(f map[string]any) { model(f)["continuing_subword_prefix"] = "##" }, `"model.continuing_subword_prefix"`},
		{"suffix", func(f map[string]any) { model(f)["end_of_word_suffix"] = "</w>" }, `"model.end_of_word_suffix"`},
		{"byte fallback", func(f map[string]any) { model(f)["byte_fallback"] = true }, `"model.byte_fallback"`},
		{"unk", func(f map[string]any) { model(f)["unk_token"] = nil }, `"model.unk_token"`},
		{"no merges", func(f map[string]any) { delete(model(f), "merges") }, `"model.merges"`},
		{"no added tokens", func(f map[string]any) { f["added_tokens"] = []any{} }, `"added_tokens"`},
		{"added token id", func(f map[string]any) {
			f["added_tokens"].([]any)[0].(map[string]any)["id"] = 7
		}, `"added_tokens"`},
		{"vocab id twice", func(f map[string]any) { vocabOf(f)["a"] = 5 }, "used twice"},
		{"vocab id range", func(f map[string]any) { vocabOf(f)["a"] = 100000 }, "outside"},
		{"vocab id type", func(f map[string]any) { vocabOf(f)["a"] = "x" }, "decode tokenizer.json"},
		{"special id", func(f map[string]any) { vocabOf(f)["<pad>"], vocabOf(f)["<unk>"] = 1, 0 }, "want \"<pad>\""},
		{"missing byte", func(f map[string]any) {
			v := vocabOf(f)
			v["Ā!"] = v["Ā"]
			delete(v, "Ā")
		}, "no token for byte 0x00"},
		{"not byte-level", func(f map[string]any) {
			v := vocabOf(f)
			v["€"] = float64(len(v))
		}, "not made of byte-level characters"},
		{"merge unknown", func(f map[string]any) {
			model(f)["merges"] = append(model(f)["merges"].([]any), "q zzz")
		}, `"zzz" is not an ordinary`},
		{"merge result unknown", func(f map[string]any) {
			model(f)["merges"] = append(model(f)["merges"].([]any), "q z")
		}, `result "qz"`},
		{"merge without space", func(f map[string]any) {
			model(f)["merges"] = append(model(f)["merges"].([]any), "qz")
		}, "not two tokens"},
		{"merge of three", func(f map[string]any) {
			model(f)["merges"] = append(model(f)["merges"].([]any), []any{"a", "b", "c"})
		}, "neither"},
		{"merge of special", func(f map[string]any) {
			model(f)["merges"] = append(model(f)["merges"].([]any), []any{"<s>", "a"})
		}, `"<s>" is not an ordinary`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FromJSON(mutate(t, good, tt.edit))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("FromJSON() error = %v, want one containing %s", err, tt.wantErr)
			}
		})
	}
	for _, data := range []string{"", "{", "[]", "null", `{"version": 1}`} {
		if _, err := FromJSON([]byte(data)); err == nil {
			t.Errorf("FromJSON(%q) succeeded", data)
		}
	}
}

func TestFromJSONArrayMerges(t *testing.T) {
	tok := goldenTokenizer(t)
	data := mutate(t, tok.JSON(), func(f map[string]any) {
		ms := model(f)["merges"].([]any)
		for i, m := range ms {
			a, b, _ := strings.Cut(m.(string), " ")
			ms[i] = []any{a, b}
		}
	})
	got, err := FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range smallCorpus {
		a, _ := tok.Encode(s)
		b, _ := got.Encode(s)
		if !slices.Equal(a.IDs, b.IDs) {
			t.Errorf("Encode(%q) differs with merges written as arrays", s)
		}
	}
}

func FuzzFromJSON(f *testing.F) {
	// A small file keeps the fuzzer's minimization of new inputs quick.
	good := trainLines(f, TrainOptions{VocabSize: 266}, smallCorpus...).JSON()
	f.Add(good)
	f.Add(mutate(f, good, func(m map[string]any) { model(m)["merges"] = []any{} }))
	f.Add(mutate(f, good, func(m map[string]any) { model(m)["dropout"] = 0.5 }))
	f.Add(mutate(f, good, func(m map[string]any) { f := m["pre_tokenizer"].(map[string]any); f["trim_offsets"] = 1 }))
	f.Add([]byte(`{"version":"1.0","model":{"type":"BPE","vocab":{},"merges":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := FromJSON(data)
		if err != nil {
			return
		}
		const text = "Ein Mann fährt 3 Räder, it's 😀 日本 \x00 <s>"
		e, err := tok.Encode(text)
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		if got := tok.Decode(e.IDs); got != text {
			t.Fatalf("Decode(Encode(x)) = %q", got)
		}
		for _, id := range e.IDs {
			if id < NumSpecial || id >= tok.VocabSize() {
				t.Fatalf("Encode gave id %d, vocabulary size %d", id, tok.VocabSize())
			}
		}
	})
}
