package tokenize

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
)

// AddFile counts the lines of a text file, plain or gzip-compressed (told
// apart by content), like AddText with the path as name.
func (t *Trainer) AddFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read training text: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		defer zr.Close()
		return t.AddText(path, zr)
	}
	return t.AddText(path, br)
}
