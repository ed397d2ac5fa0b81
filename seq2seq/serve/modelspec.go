package serve

import (
	"fmt"
	"strings"
)

// ModelSpec is what one --model of "nmt serve" names: a direction and the
// model files (or built-in model names) that translate it, several for an
// ensemble.
type ModelSpec struct {
	// Pair is the language pair given ("de-en"), or "" when the first
	// member's training configuration (or built-in name) is to say it.
	Pair string
	// Members are the model files or built-in names, in order: one for a
	// single model, more for an ensemble, which averages their
	// log-probabilities at every step as "nmt translate -m A -m B" does.
	Members []string
}

// ParseModelSpec parses [PAIR=]MEMBER[+MEMBER...]: "de-en",
// "model.safetensors", "de-en=model.safetensors", "a.safetensors+b.safetensors",
// "de-en=a.safetensors+b.safetensors". isFile, if not nil, reports whether
// a path is an existing file: the spec, or what follows PAIR=, that names
// one is that one member, whatever "=" or "+" its name holds.
func ParseModelSpec(spec string, isFile func(string) bool) (ModelSpec, error) {
	var ms ModelSpec
	file := func(p string) bool { return isFile != nil && isFile(p) }
	if file(spec) {
		return ModelSpec{Members: []string{spec}}, nil
	}
	rest := spec
	if pair, members, ok := strings.Cut(spec, "="); ok {
		if _, _, err := ParsePair(pair); err != nil {
			return ms, fmt.Errorf("model %q: %w", spec, err)
		}
		ms.Pair, rest = strings.ToLower(pair), members
	}
	if file(rest) {
		ms.Members = []string{rest}
		return ms, nil
	}
	for _, m := range strings.Split(rest, "+") {
		if strings.TrimSpace(m) == "" {
			return ms, fmt.Errorf("model %q: empty model name: want [PAIR=]FILE or [PAIR=]FILE+FILE... for an ensemble", spec)
		}
		ms.Members = append(ms.Members, m)
	}
	return ms, nil
}

// Name is the spec without its pair: "a.safetensors+b.safetensors".
func (ms ModelSpec) Name() string { return strings.Join(ms.Members, "+") }
