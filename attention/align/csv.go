package align

import (
	"encoding/csv"
	"io"
	"strconv"
)

var csvHeader = []string{"sentence", "target_pos", "target_word", "target", "source_pos", "source_word", "source", "weight"}

// WriteCSV writes the matrices as one long table with the header row
// sentence,target_pos,target_word,target,source_pos,source_word,source,weight
// and one row per cell (when any matrix carries salience, the weight
// column is named attention and a salience column follows, each empty
// where a matrix lacks that map): the 0-based sentence, the cell's row
// (target_pos) and column (source_pos) in the matrix, the word index of
// each (-1 for special tokens), the token labels and the weight. Quoting
// follows RFC 4180. When a matrix has windows (local attention) the
// columns centre and width follow, repeated on every cell of a row; when
// one has distributions (sampled hard attention), the column
// distribution, the cell's weight in the distribution drawn from. In
// pandas:
//
//	df = pd.read_csv("align.csv", keep_default_na=False)
//	df[df.sentence == 0].pivot(index="target_pos", columns="source_pos", values="weight")
func WriteCSV(w io.Writer, ms []Matrix) error {
	if err := validateAll(ms); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := csvColumns(ms)
	windows, dists := glimpseColumns(ms)
	if err := cw.Write(append(header, glimpseHeader(windows, dists)...)); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i, m := range ms {
		rec[0] = strconv.Itoa(i)
		for t, row := range m.Weights {
			rec[1] = strconv.Itoa(t)
			rec[2] = strconv.Itoa(m.TargetWords[t])
			rec[3] = m.TargetTokens[t]
			for s := range row {
				rec[4] = strconv.Itoa(s)
				rec[5] = strconv.Itoa(m.SourceWords[s])
				rec[6] = m.SourceTokens[s]
				csvValues(rec, m, t, s)
				if err := cw.Write(appendGlimpse(rec, m, t, s, windows, dists)); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
