// Package langid guesses the language of a sentence among a few
// candidates, with character n-gram profiles.
//
// A profile holds the most frequent character 1- to 3-grams of a language
// (lowercased, each word padded with one space on both sides) and their
// counts, made by internal/mkprofiles from the Multi30k training
// sentences (image captions) of German, English, French and Czech; the
// files in profiles/ are embedded. A sentence is scored under each
// candidate's profile as a naive Bayes model with add-one smoothing over
// its n-grams; the confidence of a language is its posterior probability
// under a uniform prior, in percent, from the per-n-gram average
// log-likelihood so that long sentences do not all get 100.
//
// Measured on the Multi30k val sets (1,014 sentences each, never used to
// build the profiles): see the package test TestAccuracyOnVal and
// docs/server.md. The domain is narrow (captions): other text, and very
// short sentences, are recognised less reliably.
package langid

import (
	"bufio"
	"cmp"
	"embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

//go:embed profiles/*.tsv
var profileFiles embed.FS

// MaxN is the longest n-gram used.
const MaxN = 3

// sharpness scales the per-n-gram average log-likelihoods before the
// softmax that gives confidences.
const sharpness = 8

// Profile is the n-gram statistics of one language.
type Profile struct {
	Lang   string
	counts map[string]float64
	total  float64
}

// Guess is a language and the detector's confidence in it, 0 to 100.
type Guess struct {
	Lang       string
	Confidence float64
}

// Detector chooses among its profiles.
type Detector struct {
	profiles []*Profile
	vocab    float64 // distinct n-grams over all profiles, for smoothing
}

// Languages returns the codes of the built-in profiles, sorted.
func Languages() []string {
	ents, err := profileFiles.ReadDir("profiles")
	if err != nil {
		return nil
	}
	var langs []string
	for _, e := range ents {
		langs = append(langs, strings.TrimSuffix(e.Name(), ".tsv"))
	}
	slices.Sort(langs)
	return langs
}

// New returns a detector among the given languages that have a built-in
// profile; the others are left out and returned in missing.
func New(langs []string) (d *Detector, missing []string, err error) {
	d = &Detector{}
	seen := map[string]bool{}
	for _, lang := range langs {
		if seen[lang] {
			continue
		}
		seen[lang] = true
		data, rerr := profileFiles.ReadFile("profiles/" + lang + ".tsv")
		if rerr != nil {
			missing = append(missing, lang)
			continue
		}
		p, perr := parseProfile(lang, string(data))
		if perr != nil {
			return nil, nil, perr
		}
		d.profiles = append(d.profiles, p)
	}
	all := map[string]bool{}
	for _, p := range d.profiles {
		for g := range p.counts {
			all[g] = true
		}
	}
	d.vocab = float64(len(all)) + 1
	return d, missing, nil
}

// parseProfile reads "ngram<TAB>count" lines.
func parseProfile(lang, text string) (*Profile, error) {
	p := &Profile{Lang: lang, counts: map[string]float64{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		gram, count, ok := strings.Cut(sc.Text(), "\t")
		c, err := strconv.ParseFloat(count, 64)
		if !ok || err != nil || c <= 0 {
			return nil, fmt.Errorf("profile %s.tsv:%d: want NGRAM<TAB>COUNT, got %q", lang, n, sc.Text())
		}
		p.counts[gram] = c
		p.total += c
	}
	return p, sc.Err()
}

// Langs returns the detector's languages, in the order given to New.
func (d *Detector) Langs() []string {
	out := make([]string, len(d.profiles))
	for i, p := range d.profiles {
		out[i] = p.Lang
	}
	return out
}

// Detect returns the candidates among only (all of the detector's
// languages when only is empty) from the most to the least likely. A text
// without letters gets equal confidences.
func (d *Detector) Detect(text string, only ...string) []Guess {
	grams := NGrams(text)
	var guesses []Guess
	var scores []float64
	for _, p := range d.profiles {
		if len(only) > 0 && !slices.Contains(only, p.Lang) {
			continue
		}
		s := 0.0
		for _, g := range grams {
			s += math.Log((p.counts[g] + 1) / (p.total + d.vocab))
		}
		if len(grams) > 0 {
			s /= float64(len(grams))
		}
		guesses = append(guesses, Guess{Lang: p.Lang})
		scores = append(scores, sharpness*s)
	}
	if len(scores) == 0 {
		return nil
	}
	top := slices.Max(scores)
	sum := 0.0
	for i := range scores {
		scores[i] = math.Exp(scores[i] - top)
		sum += scores[i]
	}
	for i := range guesses {
		guesses[i].Confidence = math.Round(1000*scores[i]/sum) / 10
	}
	slices.SortStableFunc(guesses, func(a, b Guess) int { return cmp.Compare(b.Confidence, a.Confidence) })
	return guesses
}

// NGrams returns the character 1- to MaxN-grams of text's words,
// lowercased, each word padded with a space on both sides. Runes that are
// neither letters nor marks separate words.
func NGrams(text string) []string {
	var grams []string
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsMark(r) })
	for _, w := range words {
		rs := []rune(" " + w + " ")
		for n := 1; n <= MaxN; n++ {
			for i := 0; i+n <= len(rs); i++ {
				if n == 1 && rs[i] == ' ' {
					continue
				}
				grams = append(grams, string(rs[i:i+n]))
			}
		}
	}
	return grams
}
