package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
	"github.com/lxmert-go/golxmert/tokenizer"
)

// ErrInterrupted is returned when the context was cancelled (Ctrl-C): a checkpoint of the
// last finished step was saved, and --resume continues from it.
// The error wraps it with the step and the checkpoint's folder.
var ErrInterrupted = errors.New("train: interrupted")

// Result summarises a run.
type Result struct {
	Steps, Total   int
	Loss           float64   // mean loss of the last step
	Eval           *Accuracy // the last evaluation, when Eval data was given
	Skipped        int       // training examples with no answer in the answer set
	Examples       int       // training examples used
	ExamplesPerSec float64
	Note           string // how the model was initialised
}

// session is everything a run holds.
type session struct {
	o           Options
	m           *lxmert.LxmertForQuestionAnswering
	tok         *tokenizer.LxmertTokenizerFast
	train, eval *dataset
	opt         *AdamW
	sched       LinearSchedule
	microPer    int // micro-batches per epoch
	stepsPer    int // optimizer steps per epoch
	note        string
	src         features.Source
	evalSrc     features.Source // the evaluation images' own file, when given
	saved       *position       // where the newest checkpoint stands, once one is written or restored
	dp          *dataParallel   // nil for a single process
}

// position is where a run stands in its epochs.
type position struct{ step, epoch, micro int }

// Run fine-tunes the model of o.Model and writes the result to o.Out. Bad data is reported
// before anything is written.
func Run(ctx context.Context, o Options) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.Group != nil && o.Group.Size() > 1 {
		return runParallel(ctx, o)
	}
	ss, err := prepare(o)
	if err != nil {
		return nil, err
	}
	defer ss.close()
	return ss.run(ctx)
}

func prepare(o Options) (*session, error) {
	exs, err := ReadExamples(o.Data)
	if err != nil {
		return nil, err
	}
	var evalExs []Example
	if o.Eval != "" {
		if evalExs, err = ReadExamples(o.Eval); err != nil {
			return nil, err
		}
	}
	ss := &session{o: o}
	if ss.src, err = features.Open(o.Features); err != nil {
		return nil, err
	}
	if ss.tok, err = loadTokenizer(o.Model); err != nil {
		ss.close()
		return nil, err
	}
	var have *vqa.Labels
	if ss.m, have, ss.note, err = loadModel(o.Model, o.Seed); err != nil {
		ss.close()
		return nil, err
	}
	labels := have
	if o.Answers != "" {
		want, err := vqa.ReadLabelsFile(o.Answers)
		if err != nil {
			ss.close()
			return nil, err
		}
		kept, err := setAnswers(ss.m, have, want, o.Seed)
		if err != nil {
			ss.close()
			return nil, err
		}
		ss.note += fmt.Sprintf("; answer set %s: %d answers, %d rows kept from the model", o.Answers, want.Len(), kept)
		labels = want
	} else if labels == nil {
		ss.close()
		return nil, fmt.Errorf("train: %s has no answer labels (id2label or %s): give --answers", o.Model, vqa.Label2AnsFile)
	} else {
		ss.m.Config.ID2Label = labels.ID2Label()
	}
	enc := &vqa.Encoder{Tok: ss.tok, MaxLength: o.MaxLength, FeatDim: ss.m.Config.VisualFeatDim}
	if ss.train, err = resolve(o.Data, exs, labels, ss.src, enc, false); err != nil {
		ss.close()
		return nil, err
	}
	if evalExs != nil {
		evalSrc := ss.src
		if o.EvalFeatures != "" && o.EvalFeatures != o.Features {
			if ss.evalSrc, err = features.Open(o.EvalFeatures); err != nil {
				ss.close()
				return nil, err
			}
			evalSrc = ss.evalSrc
		}
		if ss.eval, err = resolve(o.Eval, evalExs, labels, evalSrc, enc, true); err != nil {
			ss.close()
			return nil, err
		}
		if ss.eval.skipped > 0 {
			ss.note += fmt.Sprintf("; %d of the %d evaluation examples have no answer in the answer set (they score 0)", ss.eval.skipped, len(evalExs))
		}
	}
	ss.microPer = (len(ss.train.items) + o.BatchSize - 1) / o.BatchSize
	ss.stepsPer = (ss.microPer + o.GradAccum - 1) / o.GradAccum
	total := o.Epochs * ss.stepsPer
	if o.MaxSteps > 0 {
		total = o.MaxSteps
	}
	ss.sched = NewLinearSchedule(o.LR, o.WarmupRatio, total)
	if ss.opt, err = NewAdamW(ss.m.Parameters(), 0.9, 0.999, o.AdamEps, o.WeightDecay); err != nil {
		ss.close()
		return nil, err
	}
	return ss, nil
}

// loadTokenizer uses the model folder's vocab.txt when it has one, else the embedded
// bert-base-uncased vocabulary.
func loadTokenizer(dir string) (*tokenizer.LxmertTokenizerFast, error) {
	if _, err := os.Stat(filepath.Join(dir, "vocab.txt")); err == nil {
		return tokenizer.FastFromPretrained(dir)
	}
	return tokenizer.NewFast(tokenizer.Options{})
}

func (ss *session) close() {
	if ss.opt != nil {
		ss.opt.Close()
	}
	if ss.m != nil {
		ss.m.Close()
	}
	if ss.evalSrc != nil {
		ss.evalSrc.Close()
	}
	if ss.src != nil {
		ss.src.Close()
	}
}

// startState is where the run starts: startLocal's, in a group through rank 0.
func (ss *session) startState() (state, error) {
	if ss.dp != nil {
		return ss.dp.start(ss)
	}
	return ss.startLocal()
}

// startLocal prepares o.Out: a fresh run needs a folder that holds no other run, and
// creates it; --resume checks that the newest checkpoint was made with this run's settings,
// restores it and drops the log lines of steps after it (a crash may have left some).
func (ss *session) startLocal() (state, error) {
	o := ss.o
	st := state{Seed: o.Seed, Total: ss.sched.Total, BatchSize: o.BatchSize, GradAccum: o.GradAccum, Examples: len(ss.train.items)}
	if !o.Resume {
		if steps, _ := checkpoints(o.Out); len(steps) > 0 {
			return st, fmt.Errorf("train: %s already holds checkpoints: continue with --resume or choose another --out", o.Out)
		}
		for _, f := range []string{logFile, "model.safetensors"} {
			// An empty log is of a run that stopped before its first step: nothing to keep.
			if fi, err := os.Stat(filepath.Join(o.Out, f)); err == nil && fi.Size() > 0 {
				return st, fmt.Errorf("train: %s already holds a run (%s) without a checkpoint to resume: remove it or choose another --out", o.Out, f)
			}
		}
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return st, fmt.Errorf("train: %w", err)
		}
		binding.ManualSeed(o.Seed) // the dropout stream starts from the seed
		return st, nil
	}
	loaded, dir, err := newestCheckpoint(o.Out)
	if err != nil {
		return st, err
	}
	if loaded.Total != st.Total || loaded.Seed != st.Seed {
		return st, fmt.Errorf("train: --resume: %s was made with %d total steps and seed %d; this run has %d and %d", dir, loaded.Total, loaded.Seed, st.Total, st.Seed)
	}
	if loaded.BatchSize != st.BatchSize || loaded.GradAccum != st.GradAccum || loaded.Examples != st.Examples {
		return st, fmt.Errorf("train: --resume: %s was made with batch size %d, gradient accumulation %d and %d training examples; this run has %d, %d and %d",
			dir, loaded.BatchSize, loaded.GradAccum, loaded.Examples, st.BatchSize, st.GradAccum, st.Examples)
	}
	if err := restoreCheckpoint(dir, loaded, ss.m, ss.opt); err != nil {
		return st, err
	}
	ss.saved = &position{loaded.Step, loaded.Epoch, loaded.Micro}
	err = trimLog(filepath.Join(o.Out, logFile), func(step int, isStep bool) bool {
		// An evaluation at the checkpoint's step is kept only when it came before the
		// checkpoint (at an epoch end); otherwise the resumed run repeats it.
		return step < loaded.Step || step == loaded.Step && (isStep || loaded.Micro == 0)
	})
	if err != nil {
		return st, err
	}
	fmt.Fprintf(o.Log, "resuming from %s (step %d of %d)\n", dir, loaded.Step, loaded.Total)
	return loaded, nil
}
