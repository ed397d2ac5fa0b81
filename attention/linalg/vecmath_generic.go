package linalg

// Pure-Go versions of the slice kernels: the fallback on every CPU and the
// tail (last len%8 elements) of the vector path.

func tanhGeneric(x []float32) {
	for i, v := range x {
		x[i] = Tanh(v)
	}
}

func sigmoidGeneric(x []float32) {
	for i, v := range x {
		x[i] = Sigmoid(v)
	}
}

func expGeneric(x []float32) {
	for i, v := range x {
		x[i] = Exp(v)
	}
}

func addTanhGeneric(dst, a, b []float32) {
	b = b[:len(dst)]
	for i, v := range a[:len(dst)] {
		dst[i] = Tanh(v + b[i])
	}
}

func expShiftSumGeneric(x []float32, shift float32) float32 {
	var sum float32
	for i, v := range x {
		e := Exp(v - shift)
		x[i] = e
		sum += e
	}
	return sum
}

// maxGeneric returns the maximum of m and the elements of x, or NaN if m or
// any element is NaN.
func maxGeneric(m float32, x []float32) float32 {
	if m != m {
		return m
	}
	for _, v := range x {
		if v > m {
			m = v
		} else if v != v {
			return v
		}
	}
	return m
}

func dotGeneric(x, y []float32) float32 {
	var sum float32
	y = y[:len(x)]
	for i, v := range x {
		sum += v * y[i]
	}
	return sum
}

func axpyGeneric(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func sumExpShiftGeneric(x []float32, shift float32) float32 {
	var sum float32
	for _, v := range x {
		sum += Exp(v - shift)
	}
	return sum
}

func addConstGeneric(x []float32, c float32) {
	for i := range x {
		x[i] += c
	}
}

func indexGeneric(x []float32, v float32) int {
	for i, e := range x {
		if e == v {
			return i
		}
	}
	return -1
}

func indexAtLeastGeneric(x []float32, v float32) int {
	for i, e := range x {
		if e >= v {
			return i
		}
	}
	return -1
}
