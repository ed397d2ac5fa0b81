package translate

import "time"

// SetChunkWait sets how long t waits for more lines before it translates
// a partial chunk, so that a test's chunks do not depend on how fast its
// reader is scheduled.
func SetChunkWait(t *Translator, d time.Duration) { t.chunkWait = d }
