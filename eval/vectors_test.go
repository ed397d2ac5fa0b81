package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// sharedDir returns the shared data folder beside the repository root (the
// directory holding go.mod), skipping the test when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found above the working directory; cannot locate ../shared")
		}
		dir = parent
	}
	shared := filepath.Join(dir, "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "eval-vectors")); err != nil {
		t.Skipf("sacreBLEU test vectors not found at %s: %v", filepath.Join(shared, "eval-vectors"), err)
	}
	return shared
}

// readLinesFile reads a file the way the nmt eval command does.
func readLinesFile(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	lr := NewLineReader(f, path)
	for lr.Next() {
		lines = append(lines, lr.Text())
	}
	if err := lr.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// vectorFile is the layout of expected.json.
type vectorFile struct {
	ExampleSignature string                        `json:"example_signature"`
	Cases            map[string]map[string]float64 `json:"cases"`
}

// TestSacreBLEUVectors reproduces every score sacreBLEU 2.6.0 computed
// for the shared test vectors, to 0.01.
func TestSacreBLEUVectors(t *testing.T) {
	root := filepath.Join(sharedDir(t), "eval-vectors")
	dirs, err := filepath.Glob(filepath.Join(root, "*", "expected.json"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no expected.json under %s (err %v)", root, err)
	}
	metrics := map[string]func(h, r []string) (float64, error){
		"bleu": func(h, r []string) (float64, error) {
			b, err := CorpusBLEU(h, r, BLEUOptions{})
			return b.Score, err
		},
		"bleu_lc": func(h, r []string) (float64, error) {
			b, err := CorpusBLEU(h, r, BLEUOptions{Lowercase: true})
			return b.Score, err
		},
		"bleu_tok_none": func(h, r []string) (float64, error) {
			b, err := CorpusBLEU(h, r, BLEUOptions{Tokenize: TokNone})
			return b.Score, err
		},
		"chrf": func(h, r []string) (float64, error) {
			c, err := CorpusChrF(h, r, ChrFOptions{})
			return c.Score, err
		},
		"chrf_pp": func(h, r []string) (float64, error) {
			c, err := CorpusChrF(h, r, ChrFOptions{WordOrder: 2})
			return c.Score, err
		},
	}
	checked := 0
	for _, exp := range dirs {
		dir := filepath.Dir(exp)
		data, err := os.ReadFile(exp)
		if err != nil {
			t.Fatal(err)
		}
		var vf vectorFile
		if err := json.Unmarshal(data, &vf); err != nil {
			t.Fatalf("%s: %v", exp, err)
		}
		if want := "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:" + SacreBLEUVersion; vf.ExampleSignature != want {
			t.Errorf("%s: example signature %q, want %q", exp, vf.ExampleSignature, want)
		}
		refs := readLinesFile(t, filepath.Join(dir, "ref.txt"))
		names := make([]string, 0, len(vf.Cases))
		for name := range vf.Cases {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			hyps := readLinesFile(t, filepath.Join(dir, "hyp."+name+".txt"))
			for metric, want := range vf.Cases[name] {
				f, ok := metrics[metric]
				if !ok {
					t.Errorf("%s/%s: unknown metric %q in expected.json", filepath.Base(dir), name, metric)
					continue
				}
				got, err := f(hyps, refs)
				if err != nil {
					t.Errorf("%s/%s/%s: %v", filepath.Base(dir), name, metric, err)
					continue
				}
				if math.Abs(got-want) > 0.00005+1e-9 {
					t.Errorf("%s/%s/%s = %.4f, sacreBLEU %.4f", filepath.Base(dir), name, metric, got, want)
				}
				checked++
			}
		}
	}
	if checked == 0 {
		t.Fatal("no vectors checked")
	}
	t.Logf("%d sacreBLEU values reproduced", checked)
}
