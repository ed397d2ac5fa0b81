package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/attnmt/nmt/attention/align"
	"github.com/attnmt/nmt/corpus"
	"github.com/attnmt/nmt/corpus/shard"
	"github.com/attnmt/nmt/seq2seq/translate"
)

// shardFlag is the --shard flag of translate and align.
func shardFlag(what string) cli.Flag {
	return &cli.StringFlag{Name: "shard", Usage: what + " only shard `I/N` (0-based) of --input, into OUT.shard-I-of-N with a sidecar " +
		"(merge with nmt corpus merge); auto/N takes I from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID; a stopped shard resumes (see docs/scale-out.md)"}
}

// shardCheckpointEvery is how often a shard records its progress (a test
// makes it often).
var shardCheckpointEvery = shard.DefaultCheckpointEvery

// openShard starts (or resumes) the --shard job of the command: input
// --input, output --output. settings are what else makes the output.
func openShard(c *cli.Context, byLines bool, settings string) (*shard.Job, error) {
	switch {
	case c.NArg() > 0:
		return nil, cli.Exit("--shard translates --input: no sentence arguments", 2)
	case c.String("input") == "" || c.String("input") == "-":
		return nil, cli.Exit("--shard needs --input FILE (standard input cannot be split)", 2)
	case c.String("output") == "":
		return nil, cli.Exit("--shard needs --output OUT: the shard writes OUT.shard-I-of-N", 2)
	}
	spec, err := shard.ParseSpec(c.String("shard"), os.Getenv)
	if err != nil {
		return nil, cli.Exit("--shard: "+err.Error(), 2)
	}
	job, err := shard.Open(shard.Options{Input: c.String("input"), Output: c.String("output"), Spec: spec, ByLines: byLines, Settings: settings,
		CheckpointEvery: shardCheckpointEvery})
	if err != nil {
		return nil, err
	}
	h := job.Header()
	slog.New(slog.NewTextHandler(c.App.ErrWriter, nil)).Info("shard", "shard", h.Spec(), "input", h.Name, "range", h.Range.String(),
		"output", job.OutputPath(), "resumed_lines", job.Resumed())
	return job, nil
}

// commandSettings lists the command's flags that can change its output,
// with their values, and extra: a shard resumes or merges only with
// shards of the same settings.
func commandSettings(c *cli.Context, extra ...string) string {
	skip := map[string]bool{"input": true, "output": true, "shard": true, "workers": true}
	s := append([]string{"version=" + version}, extra...)
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !skip[name] {
			s = append(s, fmt.Sprintf("%s=%v", name, c.Value(name)))
		}
	}
	return strings.Join(s, " ")
}

// translateShard is "nmt translate --shard": it translates the shard's
// lines with model m and options opt into the shard's output.
func translateShard(c *cli.Context, m translateModel, opt translate.Options) error {
	job, err := openShard(c, false, commandSettings(c, "compute="+string(m.compute)))
	if err != nil {
		return err
	}
	defer job.Close() // records the progress unless committed
	name, first := job.LineName()
	opt.Name, opt.FirstLine = name, int(first)
	var done func()
	opt.Progress, done = progress(c.App.ErrWriter, "compute", string(m.compute), "shard", job.Header().Spec().String())
	tr, err := translate.New(m.dec, m.src, m.tgt, opt)
	if err != nil {
		return cli.Exit(err.Error(), 2)
	}
	_, err = tr.Stream(c.Context, job.Reader(), job)
	done()
	if err != nil {
		if job.Close() == nil {
			slog.New(slog.NewTextHandler(c.App.ErrWriter, nil)).Info("shard stopped: the same command resumes it",
				"shard", job.Header().Spec(), "lines_written", job.Lines())
		}
		return err
	}
	return job.Commit()
}

// alignShard is "nmt align --shard": it aligns the shard's lines (to the
// same lines of --ref, if given: the split is then by lines) into the
// shard's output, in pharaoh format, one line per input line.
func alignShard(c *cli.Context, req alignRequest, load alignerLoader) error {
	if req.format != align.Pharaoh {
		return cli.Exit(fmt.Sprintf("nmt align: --shard writes pharaoh links, one line per input line (not %s)", req.format), 2)
	}
	ref := c.String("ref")
	job, err := openShard(c, ref != "", commandSettings(c))
	if err != nil {
		return err
	}
	defer job.Close()
	name, first := job.LineName()
	if first != 1 {
		name = fmt.Sprintf("%s from line %d", name, first)
	}
	srcs, err := readLines(corpus.NewLineReader(job.Reader(), name))
	if err != nil {
		return err
	}
	var refs []string
	if ref != "" {
		h := job.Header()
		r, err := shard.OpenLines(ref, h.Start+job.Resumed(), int64(len(srcs)))
		if err != nil {
			return err
		}
		defer r.Close()
		if refs, err = readLines(corpus.NewLineReader(r, fmt.Sprintf("%s from line %d", ref, h.Start+job.Resumed()+1))); err != nil {
			return err
		}
	}
	ms, opt, _, err := alignMatrices(c, req, load, srcs, refs)
	if err != nil {
		return err
	}
	if err := align.Write(job, req.format, ms, opt); err != nil {
		return err
	}
	return job.Commit()
}
