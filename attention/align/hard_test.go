package align

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestHardLinks(t *testing.T) {
	// Word-level 3×3 with a special column and row.
	m := Matrix{
		Source: "a b c", Target: "x y z",
		SourceTokens: []string{"a", "b", "c", "</s>"}, SourceWords: []int{0, 1, 2, Special},
		TargetTokens: []string{"x", "y", "z", "</s>"}, TargetWords: []int{0, 1, 2, Special},
		Weights: [][]float32{
			{0.1, 0.6, 0.2, 0.1},
			{0.4, 0.4, 0.1, 0.1}, // tie: first wins
			{0.1, 0.1, 0.2, 0.6}, // </s> biggest, ignored
			{0.9, 0, 0, 0.1},     // special row, ignored
		},
	}
	zero := m
	zero.Weights = [][]float32{{0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}}
	sub := sample()
	tests := []struct {
		name string
		got  []Link
		want string
	}{
		{"argmax", Argmax(m), "0-1 1-0 2-2"},
		{"threshold 0.2", Threshold(m, 0.2), "0-1 1-0 1-1 2-0 2-2"},
		{"threshold 0.5", Threshold(m, 0.5), "1-0"},
		{"links without threshold is argmax", Links(m, 0), "0-1 1-0 2-2"},
		{"links with threshold", Links(m, 0.5), "1-0"},
		{"rows without word mass", Argmax(zero), ""},
		// pieces ri and des of "rides" attend to fähr and t of "fährt";
		// "a" attends to "Ein"; "bike." attends to "Fahrrad." twice.
		{"subword matrix", Argmax(sub), "0-0 0-3 1-1 2-2 3-4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatPharaoh(tt.got); got != tt.want {
				t.Errorf("links = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePharaoh(t *testing.T) {
	tests := []struct {
		in      string
		want    []Link
		wantErr bool
	}{
		{in: "", want: []Link{}},
		{in: "  ", want: []Link{}},
		{in: "0-0", want: []Link{{0, 0}}},
		{in: "0-1 2-3\t10-4 ", want: []Link{{0, 1}, {2, 3}, {10, 4}}},
		{in: "1-0 0-1", want: []Link{{1, 0}, {0, 1}}},
		{in: "0-", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "0:1", wantErr: true},
		{in: "0-1-2", wantErr: true},
		{in: "+1-2", wantErr: true},
		{in: "1--2", wantErr: true},
		{in: "a-b", wantErr: true},
		{in: "0p1", wantErr: true},
		{in: "99999999999999999999-1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParsePharaoh(tt.in)
		if tt.wantErr {
			if !errors.Is(err, ErrPharaoh) {
				t.Errorf("ParsePharaoh(%q) error = %v, want ErrPharaoh", tt.in, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParsePharaoh(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestReadPharaoh(t *testing.T) {
	got, err := ReadPharaoh(strings.NewReader("0-0 1-1\n\n2-1\n"), "gold.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(got[1]) != 0 || !slices.Equal(got[2], []Link{{2, 1}}) {
		t.Errorf("ReadPharaoh = %v", got)
	}
	_, err = ReadPharaoh(strings.NewReader("0-0\n1-x\n"), "gold.txt")
	if err == nil || !strings.HasPrefix(err.Error(), "gold.txt:2: ") {
		t.Errorf("error = %v, want one naming gold.txt:2", err)
	}
}

func FuzzParsePharaoh(f *testing.F) {
	for _, s := range []string{"", "0-1 2-3", "1-0\t0-1", "0-", "x", "00-01", "1-2-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		links, err := ParsePharaoh(line)
		if err != nil {
			return
		}
		again, err := ParsePharaoh(FormatPharaoh(links))
		if err != nil || !slices.Equal(again, links) {
			t.Fatalf("round trip of %q: %v, %v; want %v", line, again, err, links)
		}
	})
}

func BenchmarkArgmax(b *testing.B) {
	m := sample()
	w, err := m.Words(WordOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Argmax(w)
	}
}
