package eval

import "strconv"

// SacreBLEUVersion is the sacreBLEU release whose BLEU and chrF numbers
// this package reproduces.
const SacreBLEUVersion = "2.6.0"

// SignatureVersion is the version field of the signatures this package
// prints: the sacreBLEU release the numbers are identical to, with the
// build tag "+attnmt" to say that this implementation computed them.
const SignatureVersion = SacreBLEUVersion + "+attnmt"

// nrefsString formats a reference count for a signature.
func nrefsString(n int) string {
	if n < 0 {
		return "var"
	}
	return strconv.Itoa(n)
}

// caseString formats the case setting for a signature.
func caseString(lower bool) string {
	if lower {
		return "lc"
	}
	return "mixed"
}

// yesNo formats a flag for a signature.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// mergeNumRefs folds the reference count of one more segment into the
// count seen so far: 0 means none seen yet, -1 that it varies.
func mergeNumRefs(seen, n int) int {
	switch seen {
	case 0:
		return n
	case n, -1:
		return seen
	}
	return -1
}
