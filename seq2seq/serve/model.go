package serve

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/attnmt/nmt/seq2seq/search"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// Model is one translation direction the server serves.
type Model struct {
	// Name is how the model was given ("de-en", a file path,
	// "a.safetensors+b.safetensors" for an ensemble), for listings and logs.
	Name string
	// Members are the files (or built-in names) of an ensemble, as
	// given; nil for a single model.
	Members []string
	// Source and Target are language codes such as "de" and "en".
	Source, Target string
	// Decoder must be safe for concurrent use with distinct states.
	Decoder  search.Decoder
	Src, Tgt translate.Tokenizer
}

// pair names a direction "de-en".
func (m *Model) pair() string { return m.Source + "-" + m.Target }

// ParsePair splits "de-en" into its two language codes.
func ParsePair(s string) (source, target string, err error) {
	source, target, ok := strings.Cut(strings.ToLower(s), "-")
	if !ok || !validCode(source) || !validCode(target) || source == target {
		return "", "", fmt.Errorf("language pair %q: want two different codes such as de-en", s)
	}
	return source, target, nil
}

func validCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// languageName returns the English name of a language code ("German"),
// or the code itself when it is not known.
func languageName(code string) string {
	tag, err := language.Parse(code)
	if err != nil {
		return code
	}
	if name := display.English.Languages().Name(tag); name != "" {
		return name
	}
	return code
}

// Language is an entry of GET /languages.
type Language struct {
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Targets []string `json:"targets"`
}

// languages lists the languages the models translate from or to, sorted
// by code, each with the languages it translates into.
func languages(models []*Model) []Language {
	targets := map[string][]string{}
	for _, m := range models {
		targets[m.Source] = append(targets[m.Source], m.Target)
		if _, ok := targets[m.Target]; !ok {
			targets[m.Target] = nil
		}
	}
	out := make([]Language, 0, len(targets))
	for code, ts := range targets {
		slices.Sort(ts)
		out = append(out, Language{Code: code, Name: languageName(code), Targets: append([]string{}, ts...)})
	}
	slices.SortFunc(out, func(a, b Language) int { return strings.Compare(a.Code, b.Code) })
	return out
}
