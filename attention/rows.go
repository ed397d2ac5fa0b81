package attention

// Decoders may score R rows (hypotheses) against the memory of B
// sentences: rows[r] names the sentence of row r, and nil rows means one
// row per sentence, row r for sentence r.

// numRows returns R for rows over B sentences.
func numRows(rows []int, B int) int {
	if rows == nil {
		return B
	}
	return len(rows)
}

// sentenceOf returns the sentence of row r.
func sentenceOf(rows []int, r int) int {
	if rows == nil {
		return r
	}
	return rows[r]
}
