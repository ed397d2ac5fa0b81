package eval

import "math/bits"

// ngramKey identifies an n-gram of one order exactly: up to four 32-bit
// token ids or up to six 21-bit code points packed into 128 bits.
type ngramKey struct{ hi, lo uint64 }

// countSlot is one slot of a countTable.
type countSlot struct {
	key   ngramKey
	gen   uint32 // the slot is in use when gen equals the table's
	count int32
}

// countTable is an open-addressing multiset of n-gram keys. Resetting it
// is O(1): slots from an older generation count as empty.
type countTable struct {
	slots []countSlot
	shift uint8
	gen   uint32
}

// reset empties the table and makes room for n keys.
func (t *countTable) reset(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	if size > len(t.slots) || t.gen == ^uint32(0) {
		t.slots = make([]countSlot, max(size, len(t.slots)))
		t.gen = 0
	}
	t.gen++
	t.shift = uint8(64 - bits.TrailingZeros(uint(size)))
}

// hash spreads a key over the table's slots.
func (t *countTable) hash(k ngramKey) uint64 {
	return ((k.hi ^ bits.RotateLeft64(k.lo, 31)) * 0x9E3779B97F4A7C15) >> t.shift
}

// slot returns the slot holding k, claiming an empty one if k is absent.
// The table must have been reset for at least as many distinct keys.
func (t *countTable) slot(k ngramKey) *countSlot {
	mask := uint64(1)<<(64-t.shift) - 1
	for i := t.hash(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			*s = countSlot{key: k, gen: t.gen}
			return s
		}
		if s.key == k {
			return s
		}
	}
}

// add counts one occurrence of k and returns its new count.
func (t *countTable) add(k ngramKey) int32 {
	s := t.slot(k)
	s.count++
	return s.count
}

// raise sets the count of k to c if that is more than it has.
func (t *countTable) raise(k ngramKey, c int32) {
	if s := t.slot(k); s.count < c {
		s.count = c
	}
}

// take removes one occurrence of k and reports whether there was one.
func (t *countTable) take(k ngramKey) bool {
	mask := uint64(1)<<(64-t.shift) - 1
	for i := t.hash(k); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			return false
		}
		if s.key == k {
			if s.count > 0 {
				s.count--
				return true
			}
			return false
		}
	}
}
