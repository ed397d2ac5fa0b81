package atomicfile

import (
	"fmt"
	"os"
)

// Check reports the error Create(path) would return now (path is a
// directory, its directory is missing or not writable), so that a
// command can refuse an output before it starts long work. It leaves
// everything as it was: it creates a temporary file and removes it. A
// destination that is not a regular file (a device, a FIFO) is not opened,
// as opening a FIFO waits for its reader.
func Check(path string) error {
	target, err := followLinks(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if st, err := os.Stat(target); err == nil && !st.IsDir() && !st.Mode().IsRegular() {
		return nil
	}
	f, err := Create(path)
	if err != nil {
		return err
	}
	f.Abort()
	return nil
}
