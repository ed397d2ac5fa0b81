package train_test

import (
	"fmt"

	"github.com/attnmt/nmt/seq2seq"
	"github.com/attnmt/nmt/seq2seq/train"
)

func ExampleParseConfig() {
	cfg, err := train.ParseConfig([]byte(`
data:
  multi30k: data/multi30k
  src_lang: fr
schedule:
  max_time: 90m
  batch_tokens: 2048
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Data.SrcLang, cfg.Data.TgtLang, cfg.Schedule.MaxTime, cfg.Schedule.BatchTokens, cfg.Optimizer.LR)

	_, err = train.ParseConfig([]byte("schedule:\n  batch_token: 2048\n"))
	fmt.Println(err)
	// Output:
	// fr en 1h30m0s 2048 0.001
	// yaml: unmarshal errors:
	//   line 2: field batch_token not found in type train.ScheduleConfig
}

func ExampleClipGradNorm() {
	p := &seq2seq.Param{Name: "w", Shape: []int{2}, Value: []float32{0, 0}, Grad: []float32{3, 4}}
	norm := train.ClipGradNorm([]*seq2seq.Param{p}, 1, 1)
	fmt.Printf("norm %.1f, clipped gradient [%.3f %.3f]\n", norm, p.Grad[0], p.Grad[1])
	// Output: norm 5.0, clipped gradient [0.600 0.800]
}

func ExampleAdam() {
	p := &seq2seq.Param{Name: "w", Shape: []int{1}, Value: []float32{1}, Grad: []float32{0.5}}
	opt := train.NewAdam([]*seq2seq.Param{p}, train.OptimizerConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	if err := opt.Step([]*seq2seq.Param{p}); err != nil {
		fmt.Println(err)
		return
	}
	// The first bias-corrected step moves every weight by about lr.
	fmt.Printf("%.4f after %d step\n", p.Value[0], opt.Steps)
	// Output: 0.9000 after 1 step
}
