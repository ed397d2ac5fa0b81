package train

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/attnmt/nmt/seq2seq"
)

// Average returns the model whose every weight is the mean of that weight
// in the model files at paths (checkpoint averaging, as Marian and OpenNMT
// ship it: the checkpoints of the last steps of one run average into a
// model that usually scores better than any one of them). The files must
// have the same model configuration and tokenizers. The result carries the
// first file's metadata without the checkpoint state, plus
// "averaged_from", the averaged files' base names; it has no optimizer
// state.
func Average(paths []string) (*seq2seq.File, error) {
	if len(paths) == 0 {
		return nil, errors.New("average: no model file given")
	}
	var out *seq2seq.File
	var sums [][]float64 // per parameter of out, per weight
	for i, path := range paths {
		f, err := seq2seq.LoadFile(path)
		if err != nil {
			return nil, fmt.Errorf("average: %w", err)
		}
		if i == 0 {
			out = f
			for _, p := range f.Model.Params() {
				s := make([]float64, len(p.Value))
				for j, x := range p.Value {
					s[j] = float64(x)
				}
				sums = append(sums, s)
			}
			continue
		}
		if err := averageable(out, f); err != nil {
			return nil, fmt.Errorf("average: %s and %s: %w", paths[0], path, err)
		}
		for k, p := range f.Model.Params() {
			for j, x := range p.Value {
				sums[k][j] += float64(x)
			}
		}
	}
	n := float64(len(paths))
	for k, p := range out.Model.Params() {
		for j := range p.Value {
			p.Value[j] = float32(sums[k][j] / n)
		}
	}
	stripCheckpoint(out)
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	out.Metadata["averaged_from"] = strings.Join(names, ",")
	return out, nil
}

// averageable reports how b differs from a in what averaging needs equal:
// the model configuration, the tokenizers and the weights' names and
// shapes.
func averageable(a, b *seq2seq.File) error {
	if ca, cb := a.Model.Config(), b.Model.Config(); !reflect.DeepEqual(ca, cb) {
		return fmt.Errorf("model configurations differ (%+v and %+v)", ca, cb)
	}
	if !bytes.Equal(a.SrcTokenizer, b.SrcTokenizer) || !bytes.Equal(a.TgtTokenizer, b.TgtTokenizer) {
		return errors.New("tokenizers differ: average checkpoints of one run")
	}
	pa, pb := a.Model.Params(), b.Model.Params()
	for k := range pa {
		if pa[k].Name != pb[k].Name || !slices.Equal(pa[k].Shape, pb[k].Shape) {
			return fmt.Errorf("weight %d is %s %v in one and %s %v in the other", k, pa[k].Name, pa[k].Shape, pb[k].Name, pb[k].Shape)
		}
	}
	return nil
}

// LastCheckpoints returns the newest n step checkpoints (ckpt-STEP) in
// the run directory dir, newest first; it is an error if there are fewer.
func LastCheckpoints(dir string, n int) ([]string, error) {
	if n < 1 {
		return nil, fmt.Errorf("want at least 1 checkpoint, got %d", n)
	}
	files, err := listCheckpoints(dir)
	if err != nil {
		return nil, fmt.Errorf("find checkpoints: %w", err)
	}
	if len(files) < n {
		return nil, fmt.Errorf("%s has %d step checkpoints, want %d (checkpoint.keep_last keeps that many)", dir, len(files), n)
	}
	out := make([]string, n)
	for i, f := range files[:n] {
		out[i] = f.path
	}
	return out, nil
}

// ExportAverage writes the average of the model files at paths (see
// Average) to dst as a model file for translation, as Export does.
func ExportAverage(paths []string, dst string, fm Format) error {
	f, err := Average(paths)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := fm.save(f, dst); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
