package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// explainFlags are the options of nmt align --explain.
func explainFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "explain", Value: string(translate.ExplainAttention), Usage: "maps to export: attention, salience (activation x gradient) or both"},
		&cli.StringFlag{Name: "salience-layer", Value: string(translate.SalienceEmbeddings), Usage: "salience on the source embeddings or the encoder states"},
		&cli.BoolFlag{Name: "salience-abs", Usage: "absolute salience (default: signed, positive raised the output word's log-probability)"},
		&cli.IntFlag{Name: "smoothgrad", Usage: "SmoothGrad: average the gradient over `N` noisy copies (0: plain gradient)"},
		&cli.Float64Flag{Name: "smoothgrad-noise", Value: 0.1, Usage: "SmoothGrad noise: standard deviation as a fraction of the sentence's embedding range"},
		&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the SmoothGrad noise and of --faithfulness's random words"},
		faithfulnessFlag,
	}
}

// configureExplain sets the --explain and salience options on aligner
// (the salience options serve --faithfulness too).
func configureExplain(c *cli.Context, aligner align.Aligner) (translate.Explain, error) {
	ex, err := translate.ParseExplain(c.String("explain"))
	if err != nil {
		return "", cli.Exit("nmt align: --explain: "+err.Error(), 2)
	}
	layer, err := translate.ParseSalienceLayer(c.String("salience-layer"))
	if err != nil {
		return "", cli.Exit("nmt align: --salience-layer: "+err.Error(), 2)
	}
	if c.Int("smoothgrad") < 0 || c.Float64("smoothgrad-noise") < 0 {
		return "", cli.Exit("nmt align: --smoothgrad and --smoothgrad-noise must not be negative", 2)
	}
	ta, ok := aligner.(*translate.Aligner)
	if !ok {
		if ex != translate.ExplainAttention {
			return "", fmt.Errorf("nmt align: --explain %s needs a model that computes gradients", ex)
		}
		return ex, nil
	}
	ta.Explain, ta.SalienceLayer = ex, layer
	ta.Salience = translate.SalienceOptions{Abs: c.Bool("salience-abs"), Samples: c.Int("smoothgrad"),
		Noise: c.Float64("smoothgrad-noise"), Seed: c.Uint64("seed")}
	return ex, nil
}

// writeExplainedHeatmaps writes the heatmaps of ms for --explain: the
// salience magnitudes in place of attention for salience, and beside the
// attention heatmaps (align.SaliencePath) for both.
func writeExplainedHeatmaps(out string, f align.Format, ms []align.Matrix, ex translate.Explain, opt align.HeatmapOptions) error {
	switch ex {
	case translate.ExplainSalience:
		return align.WriteHeatmapFiles(out, f, align.SalienceHeatmaps(ms), salienceTitle(opt))
	case translate.ExplainBoth:
		if err := align.WriteHeatmapFiles(out, f, ms, opt); err != nil {
			return err
		}
		return align.WriteHeatmapFiles(align.SaliencePath(out, f), f, align.SalienceHeatmaps(ms), salienceTitle(opt))
	}
	return align.WriteHeatmapFiles(out, f, ms, opt)
}

func salienceTitle(opt align.HeatmapOptions) align.HeatmapOptions {
	if opt.Title == "" {
		opt.Title = "salience: |activation x gradient| per output word, share of the row's peak"
	}
	return opt
}
