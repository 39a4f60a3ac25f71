package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// jsonLog appends one JSON object per line (train_log.jsonl); a resumed run appends.
type jsonLog struct{ f *os.File }

// logFile is the name of the JSON-lines log in the output folder.
const logFile = "train_log.jsonl"

func openLog(path string) (*jsonLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return &jsonLog{f}, nil
}

func (l *jsonLog) write(v map[string]any) error {
	if l.f == nil { // a data-parallel rank other than 0
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := l.f.Write(append(raw, '\n')); err != nil {
		return fmt.Errorf("train: log: %w", err)
	}
	return nil
}

func (l *jsonLog) close() {
	if l.f != nil {
		l.f.Close()
	}
}

// trimLog rewrites the log at path (if any) keeping the lines keep accepts, given their
// step and whether they are optimizer-step lines (with a loss) rather than evaluations.
// Lines that do not parse (a crash may cut the last one) are dropped.
func trimLog(path string, keep func(step int, isStep bool) bool) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("train: log: %w", err)
	}
	var out []byte
	for _, line := range bytes.Split(raw, []byte("\n")) {
		var v struct {
			Step *int     `json:"step"`
			Loss *float64 `json:"loss"`
		}
		if json.Unmarshal(line, &v) != nil || v.Step == nil || !keep(*v.Step, v.Loss != nil) {
			continue
		}
		out = append(append(out, line...), '\n')
	}
	if bytes.Equal(out, raw) {
		return nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return fmt.Errorf("train: log: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("train: log: %w", err)
	}
	return nil
}

// progress shows steps as a bar on a terminal, or as a log line every few seconds.
type progress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	total int
	start time.Time
	first int
	last  time.Time
	// finished is set once the bar is removed.
	finished bool
}

func newProgress(w io.Writer, bar bool, done, total int) *progress {
	p := &progress{w: w, total: total, start: time.Now(), first: done}
	if bar {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("training"), progressbar.OptionSetPredictTime(true),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("steps"), progressbar.OptionClearOnFinish())
		_ = p.bar.Set(done)
	}
	return p
}

func (p *progress) step(step int, loss, exPerSec float64) {
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("loss %.4f  %.1f ex/s", loss, exPerSec))
		_ = p.bar.Set(step)
		return
	}
	if time.Since(p.last) < 5*time.Second && step != p.total && step != p.first+1 {
		return
	}
	p.last = time.Now()
	eta := time.Duration(float64(time.Since(p.start)) / float64(step-p.first) * float64(p.total-step))
	fmt.Fprintf(p.w, "step %d/%d  loss %.4f  %.1f examples/s  eta %s\n", step, p.total, loss, exPerSec, eta.Round(time.Second))
}

// done removes the bar (a message printed next starts on a clean line); it may be called
// more than once.
func (p *progress) done() {
	if p.bar != nil && !p.finished {
		p.finished = true
		_ = p.bar.Finish()
	}
}
