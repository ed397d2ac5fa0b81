package seq2seq

import "fmt"

// paramShape is the name and shape of one parameter.
type paramShape struct {
	name  string
	shape []int
}

// paramLayout lists the parameters New builds for c, in the order of
// Model.Params, without allocating them, so that a model file can be
// checked against its configuration before the model is built. c must be
// valid. TestParamLayoutMatchesNew keeps it in step with New.
func (c Config) paramLayout() []paramShape {
	H, D, E, O := c.EncoderHidden, c.DecoderHidden, c.Embed, c.Output
	var ps []paramShape
	add := func(name string, shape ...int) { ps = append(ps, paramShape{name, shape}) }
	lstm := func(name string, in, hid int) {
		add(name+".wx", 4*hid, in)
		add(name+".wh", 4*hid, hid)
		add(name+".b", 4*hid)
	}
	add("src_embed", c.SrcVocab, E)
	if !c.ShareEmbeddings {
		add("tgt_embed", c.TgtVocab, E)
	}
	in := E
	for l := range c.EncoderLayers {
		lstm(fmt.Sprintf("encoder.%d.fwd", l), in, H)
		lstm(fmt.Sprintf("encoder.%d.bwd", l), in, H)
		in = 2 * H
	}
	add("bridge.w", D, 2*H)
	add("bridge.b", D)
	decIn := E
	if c.InputFeeding {
		decIn += O
	}
	lstm("decoder", decIn, D)
	for l := 1; l < c.DecoderDepth(); l++ {
		lstm(fmt.Sprintf("decoder.%d", l), D, D)
	}
	switch c.ScoreKind() {
	case AttentionAdditive:
		add("attention.key", c.AttentionDim, 2*H)
		add("attention.query", c.AttentionDim, D)
		add("attention.v", c.AttentionDim)
	case AttentionGeneral:
		add("attention.weight", D, 2*H)
	}
	if c.Attention == AttentionLocal {
		add("attention.local.centre.w", c.AttentionDim, D)
		add("attention.local.centre.v", c.AttentionDim)
		add("attention.local.width.w", D)
		add("attention.local.width.b", 1)
	}
	add("output.w", O, D+2*H)
	add("output.b", O)
	if !c.TieEmbeddings {
		add("proj.w", c.TgtVocab, O)
	}
	add("proj.b", c.TgtVocab)
	return ps
}
