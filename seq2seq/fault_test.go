package seq2seq

import "testing"

// TestGradientCheckCatchesFaults makes each hand-written backward kernel
// compute a gradient 1% too large (faultScale) and asserts that the
// whole-model gradient check fails, on an architecture that runs the
// kernel. Without it a check can pass however wrong the gradients are
// (the old absolute tolerance passed the softmax's backward pass scaled
// by 1.2).
func TestGradientCheckCatchesFaults(t *testing.T) {
	additive := func(*Config) {}
	local := func(c *Config) { c.Attention = AttentionLocal }
	tests := []struct {
		name   string
		kernel backwardKernel
		edit   func(*Config)
	}{
		{"vocabulary projection", faultVocab, additive},
		{"output layer", faultOutput, additive},
		{"LSTM cell", faultCell, additive},
		{"embedding", faultEmbed, additive},
		{"bridge", faultBridge, additive},
		{"attention context", faultContext, additive},
		{"attention softmax", faultSoftmax, additive},
		{"additive score", faultScore, additive},
		{"additive key projection", faultProject, additive},
		{"local attention", faultLocal, local},
		{"local attention centre", faultLocalCentre, local},
		{"local attention width", faultLocalWidth, local},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			injectedFault = tc.kernel
			defer func() { injectedFault = noFault }()
			err := modelGradientError(t, tc.edit, modelCheckOptions)
			if err == nil {
				t.Fatalf("the gradient check passed with the %s's backward pass %.0f%% off", tc.name, (faultScale-1)*100)
			}
			t.Log(err)
		})
	}
}
