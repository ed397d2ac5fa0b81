// Package pretrained holds the models built into the nmt binary, so that
// translation works out of the box with no download.
//
// Each model is a model file (see seq2seq.LoadFile) embedded at build time
// and named by its language pair, source first: "de-en" is German to
// English, "en-de" English to German. A specialist for one domain adds the
// domain to its pair's name ("de-en-captions"). Default names the model
// used when none is given.
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

//go:embed de-en-captions.safetensors
var deEnCaptions []byte

//go:embed en-de.safetensors
var enDe []byte

// A model is one built-in model: its file, its language pair and what it
// is for.
type model struct {
	data  []byte
	pair  string
	about string
}

// models maps each built-in model's name to its file.
var models = map[string]model{
	"de-en":          {deEn, "de-en", "German->English, general domain (everyday sentences, captions, news)"},
	"de-en-captions": {deEnCaptions, "de-en", "German->English image captions (Multi30k): de-en fine-tuned on captions, for short descriptions of pictures"},
	"en-de":          {enDe, "en-de", "English->German, general domain (everyday sentences, captions, news)"},
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

// Pair returns the language pair ("de-en") of the built-in model called
// name, or "" if there is none.
func Pair(name string) string { return models[name].pair }

// About says in a line what the built-in model called name is for, or ""
// if there is none.
func About(name string) string { return models[name].about }

// Defaults lists the built-in models that are their language pair's
// first choice: those named by their pair alone, sorted.
func Defaults() []string {
	var names []string
	for _, name := range Names() {
		if models[name].pair == name {
			names = append(names, name)
		}
	}
	return names
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
	m, ok := models[name]
	if !ok {
		return nil, fmt.Errorf("no built-in model %q (built in: %s)", name, strings.Join(Names(), ", "))
	}
	return m.data, nil
}
