package shard_test

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/attnmt/nmt/corpus/shard"
)

// Each of three tasks upper-cases its shard of a file, then the shards are
// merged into one output in input order.
func Example() {
	dir, err := os.MkdirTemp("", "shard-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in.txt"), filepath.Join(dir, "out.txt")
	if err := os.WriteFile(in, []byte("one\ntwo\nthree\nfour\nfive\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	var outputs []string
	for i := range 3 { // in a cluster: one task each, with --shard auto/3
		job, err := shard.Open(shard.Options{Input: in, Output: out, Spec: shard.Spec{Index: i, Count: 3}})
		if err != nil {
			log.Fatal(err)
		}
		sc := bufio.NewScanner(job.Reader())
		for sc.Scan() {
			fmt.Fprintln(job, strings.ToUpper(sc.Text()))
		}
		if err := job.Commit(); err != nil {
			log.Fatal(err)
		}
		h := job.Header()
		fmt.Printf("shard %s: %s\n", h.Spec(), h.Range)
		outputs = append(outputs, job.OutputPath())
	}
	sum, err := shard.Merge(out, outputs)
	if err != nil {
		log.Fatal(err)
	}
	merged, _ := os.ReadFile(out)
	fmt.Printf("%d shards, %d lines:\n%s", sum.Shards, sum.Lines, merged)
	// Output:
	// shard 0/3: bytes 0-8 of 24
	// shard 1/3: bytes 8-19 of 24
	// shard 2/3: bytes 19-24 of 24
	// 3 shards, 5 lines:
	// ONE
	// TWO
	// THREE
	// FOUR
	// FIVE
}
