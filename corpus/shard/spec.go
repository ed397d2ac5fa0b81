package shard

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// IndexVariables are the environment variables that --shard auto/N reads
// the shard index from, in order: Kubernetes Indexed Jobs set
// JOB_COMPLETION_INDEX (0 to completions-1), Slurm job arrays set
// SLURM_ARRAY_TASK_ID (use --array=0-(N-1)).
var IndexVariables = []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID"}

// MaxShards is the largest number of shards of a split.
const MaxShards = 1 << 20

// ErrSpec reports a shard specification that cannot be parsed or is out of
// range.
var ErrSpec = errors.New("invalid shard")

// Spec names shard Index of Count, 0-based: 0/3, 1/3 and 2/3 split an
// input in three.
type Spec struct {
	Index, Count int
}

// String returns "I/N".
func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Valid reports whether 0 <= Index < Count <= MaxShards.
func (s Spec) Valid() bool {
	return s.Count >= 1 && s.Count <= MaxShards && s.Index >= 0 && s.Index < s.Count
}

// ParseSpec parses "I/N" (0 <= I < N), or "auto/N", which takes I from the
// first of IndexVariables that getenv returns non-empty (os.Getenv in a
// program). The error wraps ErrSpec and says what was wrong.
func ParseSpec(s string, getenv func(string) string) (Spec, error) {
	idx, count, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("%w %q: want I/N (0 <= I < N) or auto/N", ErrSpec, s)
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > MaxShards {
		return Spec{}, fmt.Errorf("%w %q: the number of shards must be an integer from 1 to %d", ErrSpec, s, MaxShards)
	}
	source := ""
	if idx == "auto" {
		for _, v := range IndexVariables {
			if idx = getenv(v); idx != "" {
				source = v + "="
				break
			}
		}
		if source == "" {
			return Spec{}, fmt.Errorf("%w %q: neither %s is set (they are set by a Kubernetes Indexed Job and a Slurm job array); give the index as I/%d",
				ErrSpec, s, strings.Join(IndexVariables, " nor "), n)
		}
	}
	i, err := strconv.Atoi(strings.TrimSpace(idx))
	switch {
	case err != nil:
		return Spec{}, fmt.Errorf("%w %q: index %s%q is not an integer", ErrSpec, s, source, idx)
	case i < 0 || i >= n:
		return Spec{}, fmt.Errorf("%w %q: index %s%d is out of range: want 0 to %d (Slurm: --array=0-%d; Kubernetes: completions: %d)",
			ErrSpec, s, source, i, n-1, n-1, n)
	}
	return Spec{Index: i, Count: n}, nil
}
