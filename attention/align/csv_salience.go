package align

import "strconv"

// csvColumns is the CSV header for ms: the plain header when every matrix
// holds attention alone, otherwise the weight column becomes attention
// and a salience column follows, each empty where a matrix lacks it.
func csvColumns(ms []Matrix) []string {
	header := append([]string(nil), csvHeader...)
	for _, m := range ms {
		if m.Map == MapSalience || m.Salience != nil {
			header[len(header)-1] = MapAttention
			return append(header, MapSalience)
		}
	}
	return header
}

// csvValues fills the value columns of rec for cell (t, s) of m.
func csvValues(rec []string, m Matrix, t, s int) {
	format := func(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
	n := len(csvHeader) - 1
	rec[n] = format(m.Weights[t][s])
	if len(rec) == n+1 {
		return
	}
	rec[n+1] = ""
	switch {
	case m.Map == MapSalience:
		rec[n], rec[n+1] = "", rec[n]
	case m.Salience != nil:
		rec[n+1] = format(m.Salience[t][s])
	}
}
