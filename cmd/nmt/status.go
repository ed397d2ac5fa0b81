package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// Exit status, the same rule for every command:
//
//	0  everything was done;
//	1  the command failed, or some input lines could not be processed;
//	2  a usage error (see usage.go).
//
// Commands that write one output line per input line (translate,
// tokenizer encode and decode, eval --sentence) keep going past a line they
// cannot process: its output line is empty (a record with an "error" field
// in jsonl), the reason goes to standard error with the file and line, the
// output is complete and committed, and the command ends with
// exitLinesFailed's message and status 1. Commands whose output is one
// document over all lines (align's reports, eval's corpus scores, the
// corpus tools) stop at the first bad line with an error naming it and
// leave their output file as it was, also with status 1.

// exitLinesFailed is the error of a run in which failed of total input
// lines could not be processed, each reported on standard error.
func exitLinesFailed(failed, total int) error {
	if failed == 0 {
		return nil
	}
	return cli.Exit(fmt.Sprintf("%d of %d lines failed (reported above; their output lines are empty)", failed, total), 1)
}
