package eval

import (
	"fmt"
	"strings"
)

// Tokenizer names a BLEU tokenizer, as sacreBLEU's --tokenize option does.
type Tokenizer string

// The tokenizers BLEU supports.
const (
	// Tok13a is the mteval-v13a tokenizer, sacreBLEU's default.
	Tok13a Tokenizer = "13a"
	// TokNone splits on whitespace only, for text that is already tokenized.
	TokNone Tokenizer = "none"
)

// ParseTokenizer returns the tokenizer named s ("13a" or "none").
func ParseTokenizer(s string) (Tokenizer, error) {
	switch t := Tokenizer(s); t {
	case Tok13a, TokNone:
		return t, nil
	}
	return "", fmt.Errorf("unknown tokenizer %q (want 13a or none)", s)
}

// Tokenize13a tokenizes line with the mteval-v13a rules as sacreBLEU's
// tokenizer_13a applies them and returns the tokens joined by single
// spaces: it drops "<skipped>", unescapes &quot; &amp; &lt; &gt;, splits off
// ASCII punctuation and symbols, periods and commas except inside numbers,
// and dashes after a digit.
func Tokenize13a(line string) string {
	var t tokenizer13a
	return strings.Join(t.tokens(nil, line), " ")
}

// tokenizer13a holds the buffers that make repeated tokenization cheap.
// Its zero value is ready to use; it is not safe for concurrent use.
type tokenizer13a struct {
	a, b []byte
}

// is13aSymbol marks the ASCII characters that the first 13a rule,
// ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 ", surrounds with spaces.
var is13aSymbol = func() (t [256]bool) {
	for _, r := range [][2]byte{{'{', '~'}, {'[', '`'}, {' ', '&'}, {'(', '+'}, {':', '@'}, {'/', '/'}} {
		for c := int(r[0]); c <= int(r[1]); c++ {
			t[c] = true
		}
	}
	return t
}()

// isDigit reports whether c is an ASCII digit, [0-9] in the 13a rules.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// tokens appends the 13a tokens of line to dst. The regular expressions of
// mteval-v13a only ever match ASCII characters next to arbitrary ones, so
// applying them byte by byte to UTF-8 gives the result Python's re.sub
// gives on code points.
func (t *tokenizer13a) tokens(dst []string, line string) []string {
	if strings.Contains(line, "<skipped>") {
		line = strings.ReplaceAll(line, "<skipped>", "")
	}
	if strings.IndexByte(line, '\n') >= 0 {
		line = strings.ReplaceAll(line, "-\n", "")
		line = strings.ReplaceAll(line, "\n", " ")
	}
	if strings.IndexByte(line, '&') >= 0 {
		line = strings.ReplaceAll(line, "&quot;", `"`)
		line = strings.ReplaceAll(line, "&amp;", "&")
		line = strings.ReplaceAll(line, "&lt;", "<")
		line = strings.ReplaceAll(line, "&gt;", ">")
	}

	// Rule 1: space around symbols. The line is padded with a space on
	// each side, which rule 1 itself would only widen.
	a := t.a[:0]
	a = append(a, ' ')
	for i := 0; i < len(line); i++ {
		c := line[i]
		if is13aSymbol[c] {
			a = append(a, ' ', c, ' ')
		} else {
			a = append(a, c)
		}
	}
	a = append(a, ' ')

	// Rule 2: ([^0-9])([\.,]) -> "\1 \2 ".
	b := t.b[:0]
	for i := 0; i < len(a); {
		if i+1 < len(a) && !isDigit(a[i]) && (a[i+1] == '.' || a[i+1] == ',') {
			b = append(b, a[i], ' ', a[i+1], ' ')
			i += 2
			continue
		}
		b = append(b, a[i])
		i++
	}

	// Rule 3: ([\.,])([^0-9]) -> " \1 \2".
	a = a[:0]
	for i := 0; i < len(b); {
		if i+1 < len(b) && (b[i] == '.' || b[i] == ',') && !isDigit(b[i+1]) {
			a = append(a, ' ', b[i], ' ', b[i+1])
			i += 2
			continue
		}
		a = append(a, b[i])
		i++
	}

	// Rule 4: ([0-9])(-) -> "\1 \2 ".
	b = b[:0]
	for i := 0; i < len(a); {
		if i+1 < len(a) && isDigit(a[i]) && a[i+1] == '-' {
			b = append(b, a[i], ' ', '-', ' ')
			i += 2
			continue
		}
		b = append(b, a[i])
		i++
	}
	t.a, t.b = a, b
	return pyFields(dst, string(b))
}
