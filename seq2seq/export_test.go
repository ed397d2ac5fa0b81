package seq2seq

// Hooks for the external tests and benchmarks of package seq2seq_test.
var (
	ReferenceConfig = referenceConfig
	ReferenceBatch  = referenceBatch
	CPUTime         = cpuTime
)
