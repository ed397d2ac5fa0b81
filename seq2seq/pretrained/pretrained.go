// Package pretrained holds the models built into the nmt binary, so that
// translation works out of the box with no download.
//
// Each model is a model file (see seq2seq.LoadFile) embedded at build time
// and named by its language pair, source first: "de-en" is German to
// English, "en-de" English to German. Default names the model used when
// none is given.
package pretrained

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"github.com/attnmt/nmt/seq2seq"
)

// Default is the name of the model used when none is given.
const Default = "de-en"

//go:embed de-en.safetensors
var deEn []byte

//go:embed en-de.safetensors
var enDe []byte

// models maps each built-in model's name to its file.
var models = map[string][]byte{
	"de-en": deEn,
	"en-de": enDe,
}

// Names lists the built-in models, sorted.
func Names() []string {
	names := make([]string, 0, len(models))
	for name := range models {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Has reports whether name is a built-in model.
func Has(name string) bool {
	_, ok := models[name]
	return ok
}

// Load returns the built-in model called name.
func Load(name string) (*seq2seq.File, error) {
	data, err := file(name)
	if err != nil {
		return nil, err
	}
	return seq2seq.ReadBytes(data, "built-in "+name)
}

// LoadInt8 returns the built-in model called name read for int8 decoding
// only, with its int8 decoder (see seq2seq.ReadBytesInt8).
func LoadInt8(name string) (*seq2seq.File, *seq2seq.Decoder, error) {
	o, err := OpenInt8(name)
	if err != nil {
		return nil, nil, err
	}
	return o.Read()
}

// OpenInt8 reads the header of the built-in model called name for int8
// decoding (see seq2seq.OpenBytesInt8): its tokenizers can be built while
// Read decodes its weights.
func OpenInt8(name string) (*seq2seq.OpenedInt8, error) {
	data, err := file(name)
	if err != nil {
		return nil, err
	}
	return seq2seq.OpenBytesInt8(data, "built-in "+name)
}

// file returns the model file of the built-in model called name.
func file(name string) ([]byte, error) {
	data, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("no built-in model %q (built in: %s)", name, strings.Join(Names(), ", "))
	}
	return data, nil
}
