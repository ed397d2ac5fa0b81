package atomicfile_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/attnmt/nmt/corpus/atomicfile"
)

func Example() {
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "greeting.txt")

	f, err := atomicfile.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Abort() // does nothing after Commit
	fmt.Fprintln(f, "hello")
	if _, err := os.Stat(path); err != nil {
		fmt.Println("before Commit: no file")
	}
	if err := f.Commit(); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fmt.Printf("after Commit: %s", b)
	// Output:
	// before Commit: no file
	// after Commit: hello
}

func ExampleWriteFile() {
	dir, err := os.MkdirTemp("", "atomicfile")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.txt")
	err = atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, "one line")
		return err
	})
	b, _ := os.ReadFile(path)
	fmt.Printf("%v %q\n", err, b)
	// Output: <nil> "one line\n"
}
