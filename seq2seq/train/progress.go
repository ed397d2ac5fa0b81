package train

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/attnmt/nmt/seq2seq"
)

// reporter shows training progress.
type reporter interface {
	// epoch starts an epoch of batches batches, done of them already run.
	epoch(epoch, batches, done int)
	// step reports a finished step.
	step(st State, loss seq2seq.BatchLoss, lr float64)
	// log writes an event line.
	log(msg string, attrs ...any)
	// close ends the display; it may be called more than once.
	close()
}

// meter accumulates the losses and tokens of the steps since its last
// reset.
type meter struct {
	start          time.Time
	loss, nll      float64
	tokens, steps  int
	epochStart     time.Time
	epochDone      int // batches run in this epoch before epochStart
	batches, epoch int
	// Hard attention: positions drawn, their summed rewards, the summed
	// attention entropy of the scored tokens, and the last baseline.
	draws           int
	reward, entropy float64
	baseline        float64
	hardTokens      int
}

func (m *meter) add(l seq2seq.BatchLoss) {
	m.loss += l.Loss
	m.nll += l.NLL
	m.tokens += l.Tokens
	m.steps++
	if l.Entropy > 0 || l.Draws > 0 {
		m.draws += l.Draws
		m.reward += l.Reward
		m.entropy += l.Entropy
		m.baseline = l.Baseline
		m.hardTokens += l.Tokens
	}
}

// hardSummary returns hard attention's progress since the last reset:
// the mean reward of the drawn positions, the reward baseline and the
// mean attention entropy per target token (nats); ok is false for the
// other kinds.
func (m *meter) hardSummary() (reward, baseline, entropy float64, ok bool) {
	if m.hardTokens == 0 {
		return 0, 0, 0, false
	}
	if m.draws > 0 {
		reward = m.reward / float64(m.draws)
	}
	return reward, m.baseline, m.entropy / float64(m.hardTokens), true
}

// hardAttrs are hardSummary as log attributes, nil for the other kinds.
func (m *meter) hardAttrs() []any {
	reward, baseline, entropy, ok := m.hardSummary()
	if !ok {
		return nil
	}
	return []any{"reward", round(reward), "baseline", round(baseline), "entropy", round(entropy)}
}

// summary returns the mean loss per token, the perplexity and the target
// tokens per second since the last reset.
func (m *meter) summary(now time.Time) (loss, ppl, tokPerSec float64) {
	if m.tokens > 0 {
		loss = m.loss / float64(m.tokens)
		ppl = math.Exp(m.nll / float64(m.tokens))
	}
	if d := now.Sub(m.start).Seconds(); d > 0 {
		tokPerSec = float64(m.tokens) / d
	}
	return loss, ppl, tokPerSec
}

func (m *meter) reset(now time.Time) {
	m.start, m.loss, m.nll, m.tokens, m.steps = now, 0, 0, 0, 0
	m.draws, m.reward, m.entropy, m.hardTokens = 0, 0, 0, 0
}

// eta estimates the time left in the epoch after batch done.
func (m *meter) eta(now time.Time, done int) time.Duration {
	run := done - m.epochDone
	if run <= 0 {
		return 0
	}
	per := now.Sub(m.epochStart) / time.Duration(run)
	return (per * time.Duration(m.batches-done)).Round(time.Second)
}

func newReporter(w io.Writer, log *slog.Logger, every time.Duration, now func() time.Time) reporter {
	if w != nil {
		return &barReporter{w: w, log_: log, now: now}
	}
	return &logReporter{log_: log, every: every, now: now}
}

// logReporter writes a progress line to a logger at most once per
// interval.
type logReporter struct {
	log_  *slog.Logger
	every time.Duration
	now   func() time.Time
	last  time.Time
	m     meter
}

func (r *logReporter) epoch(epoch, batches, done int) {
	now := r.now()
	r.m.reset(now)
	r.m.epochStart, r.m.epochDone, r.m.batches, r.m.epoch = now, done, batches, epoch
	r.last = now
}

func (r *logReporter) step(st State, l seq2seq.BatchLoss, lr float64) {
	r.m.add(l)
	now := r.now()
	if now.Sub(r.last) < r.every && st.Batch < r.m.batches {
		return
	}
	loss, ppl, tps := r.m.summary(now)
	attrs := []any{"epoch", st.Epoch + 1, "step", st.Step, "batch", fmt.Sprintf("%d/%d", st.Batch, r.m.batches),
		"loss", round(loss), "ppl", round(ppl), "tok/s", math.Round(tps), "lr", lr, "eta", r.m.eta(now, st.Batch).String()}
	r.log_.Info("progress", append(attrs, r.m.hardAttrs()...)...)
	r.m.reset(now)
	r.last = now
}

func (r *logReporter) log(msg string, attrs ...any) { r.log_.Info(msg, attrs...) }

func (r *logReporter) close() {}

// barReporter draws a progress bar of the current epoch on a terminal.
type barReporter struct {
	w    io.Writer
	log_ *slog.Logger
	now  func() time.Time
	bar  *progressbar.ProgressBar
	m    meter
}

func (r *barReporter) epoch(epoch, batches, done int) {
	r.close()
	now := r.now()
	r.m.reset(now)
	r.m.epochStart, r.m.epochDone, r.m.batches, r.m.epoch = now, done, batches, epoch
	r.bar = progressbar.NewOptions(batches,
		progressbar.OptionSetWriter(r.w),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %d", epoch+1)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
	r.bar.Set(done)
}

func (r *barReporter) step(st State, l seq2seq.BatchLoss, lr float64) {
	r.m.add(l)
	now := r.now()
	if r.bar == nil {
		return
	}
	// Report a window of at least 20 steps or 2 seconds for smooth numbers.
	if r.m.steps >= 20 || now.Sub(r.m.start) >= 2*time.Second {
		loss, _, tps := r.m.summary(now)
		desc := fmt.Sprintf("epoch %d step %d loss %.3f %.0f tok/s lr %.2g", st.Epoch+1, st.Step, loss, tps, lr)
		if reward, baseline, entropy, ok := r.m.hardSummary(); ok {
			desc += fmt.Sprintf(" reward %.3f baseline %.3f entropy %.3f", reward, baseline, entropy)
		}
		r.bar.Describe(desc)
		r.m.reset(now)
	}
	r.bar.Set(st.Batch)
}

func (r *barReporter) log(msg string, attrs ...any) {
	if r.bar != nil {
		r.bar.Clear()
	}
	r.log_.Info(msg, attrs...)
}

func (r *barReporter) close() {
	if r.bar != nil {
		r.bar.Exit()
		fmt.Fprintln(r.w)
		r.bar = nil
	}
}
