package attention

// Param is one learnable tensor: its values and the gradient accumulated
// for them. Value and Grad have the same length, the product of Shape.
type Param struct {
	Name  string
	Shape []int
	Value []float32
	Grad  []float32
}

// NewParam returns a zero-valued parameter of the given shape.
func NewParam(name string, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &Param{Name: name, Shape: shape, Value: make([]float32, n), Grad: make([]float32, n)}
}
