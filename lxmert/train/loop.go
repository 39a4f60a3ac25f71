package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
)

// run is the training loop: per optimizer step, GradAccum micro-batches (forward, loss,
// backward), clipping, one AdamW step at the scheduled learning rate.
func (ss *session) run(ctx context.Context) (*Result, error) {
	o := ss.o
	st, err := ss.startState()
	if err != nil {
		return nil, err
	}
	logw := &jsonLog{} // writes nothing: in a group, rank 0 alone keeps the log
	if ss.dp == nil || ss.dp.rank == 0 {
		if logw, err = openLog(filepath.Join(o.Out, logFile)); err != nil {
			return nil, err
		}
	}
	defer logw.close()
	prog := newProgress(o.Log, o.Progress, st.Step, st.Total)
	defer prog.done() // also when interrupted or failing, before the caller prints why
	res := &Result{Total: st.Total, Skipped: ss.train.skipped, Examples: len(ss.train.items), Note: ss.note}
	params := ss.m.Parameters()
	tensors := func() []binding.Tensor {
		ts := make([]binding.Tensor, len(params))
		for i, p := range params {
			ts[i] = p.T
		}
		return ts
	}
	ss.m.Train()
	start, seen := time.Now(), 0
	var order []int
	orderEpoch := -1
	for st.Step < st.Total {
		if orderEpoch != st.Epoch { // once per epoch: a permutation of a large set is not free
			order, orderEpoch = ss.train.order(st.Epoch, o.Seed, !o.NoShuffle), st.Epoch
		}
		if st.Micro >= ss.microPer {
			if err := ss.endEpoch(ctx, logw, &st, res); err != nil {
				return res, err
			}
			continue
		}
		if ss.dp == nil && ctx.Err() != nil { // a group agrees on stopping after the step
			return res, ss.interrupt(st)
		}
		stepStart := time.Now()
		n := min(o.GradAccum, ss.microPer-st.Micro)
		var lossSum float64
		examples := 0
		var stats []float64 // per micro-batch: this rank's loss sum and example count
		// One process stops within a step too (the forward checks ctx between layers): the
		// partial step is dropped and the generator rewound, so --resume redoes it exactly.
		// A group stops only after a step, all ranks agreeing.
		var fwdCtx context.Context
		var rng []byte
		if ss.dp == nil {
			fwdCtx = ctx
			if rng, err = binding.RNGState(); err != nil {
				return res, err
			}
		}
		for k := 0; k < n; k++ {
			lo := (st.Micro + k) * o.BatchSize
			idx := order[lo:min(lo+o.BatchSize, len(order))]
			l, count, err := ss.microStep(fwdCtx, idx, n, k == n-1)
			if err != nil && fwdCtx != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return res, ss.abandonStep(st, rng)
			}
			if err != nil {
				return res, err
			}
			lossSum += l
			stats = append(stats, l*float64(count), float64(count))
			examples += len(idx)
		}
		stop := false
		if ss.dp != nil {
			if lossSum, stop, err = ss.dp.stepLoss(stats, ctx.Err() != nil); err != nil {
				return res, err
			}
		}
		if o.MaxGradNorm > 0 {
			if _, err := binding.ClipGradNorm(tensors(), o.MaxGradNorm); err != nil {
				return res, fmt.Errorf("train: step %d: %w", st.Step, err)
			}
		}
		lr := ss.sched.LR(st.Step)
		if err := ss.opt.Step(lr); err != nil {
			return res, err
		}
		if err := ss.m.ZeroGrad(); err != nil {
			return res, err
		}
		st.Step++
		st.Micro += n
		seen += examples
		res.Steps, res.Loss = st.Step, lossSum/float64(n)
		res.ExamplesPerSec = float64(seen) / time.Since(start).Seconds()
		rate := float64(examples) / time.Since(stepStart).Seconds()
		if err := logw.write(map[string]any{"step": st.Step, "epoch": st.Epoch, "loss": res.Loss, "lr": lr, "examples_per_s": rate}); err != nil {
			return res, err
		}
		prog.step(st.Step, res.Loss, res.ExamplesPerSec)
		if o.SaveSteps > 0 && st.Step%o.SaveSteps == 0 && st.Step < st.Total {
			if err := ss.save(st); err != nil {
				return res, err
			}
		}
		if stop {
			return res, ss.interrupt(st)
		}
	}
	prog.done()
	if ss.eval != nil {
		if err := ss.evaluate(ctx, logw, st, res); err != nil {
			return res, err
		}
	}
	if err := ss.save(st); err != nil {
		return res, err
	}
	return res, ss.final()
}

// microStep runs forward, loss and backward on one micro-batch of an n-micro-batch step and
// returns its (unscaled) loss and the number of examples it is the mean of. In a group it
// runs this rank's share, and the backward of the step's last micro-batch averages the
// gradients over the ranks.
func (ss *session) microStep(ctx context.Context, idx []int, n int, last bool) (float64, int, error) {
	count, weight := len(idx), 1.0
	if ss.dp != nil {
		idx, count, weight = ss.dp.shard(idx)
	}
	s := binding.NewGradScope()
	defer s.Close()
	in, target, err := ss.train.batch(s, idx)
	if err != nil {
		return 0, 0, err
	}
	out, err := ss.m.ForwardScope(s, in, nil, lxmert.Options{Context: ctx})
	if err != nil {
		return 0, 0, err
	}
	logits := out.QuestionAnsweringScore
	var loss binding.Tensor
	if ss.train.soft { // the original recipe: BCE averaged over labels, times their number
		loss = s.MulScalar(s.BCEWithLogits(logits, target, binding.ReduceMean), float64(ss.train.labels.Len()))
	} else {
		loss = s.CrossEntropy(logits, target, -100, binding.ReduceMean)
	}
	value := float64(s.Float32s(loss)[0])
	if weight != 1 {
		loss = s.MulScalar(loss, weight)
	}
	if n > 1 {
		loss = s.DivScalar(loss, float64(n))
	}
	if ss.dp != nil && last && s.Err() == nil {
		if err := ss.dp.red.Prepare(loss); err != nil {
			return 0, 0, err
		}
	}
	s.Backward(loss)
	if err := s.Err(); err != nil {
		if ss.dp != nil && last {
			return 0, 0, ss.dp.g.Explain("averaging gradients", err)
		}
		return 0, 0, fmt.Errorf("train: %w", err)
	}
	// In a group the mean over every rank is checked, by all of them (stepLoss).
	if ss.dp == nil && (math.IsNaN(value) || math.IsInf(value, 0)) {
		return 0, 0, fmt.Errorf("train: the loss is %v: lower --lr or check the data", value)
	}
	return value, count, nil
}

// endEpoch evaluates (when asked), checkpoints and moves to the next epoch.
func (ss *session) endEpoch(ctx context.Context, logw *jsonLog, st *state, res *Result) error {
	if ss.eval != nil {
		if err := ss.evaluate(ctx, logw, *st, res); err != nil {
			return err
		}
	}
	st.Epoch++
	st.Micro = 0
	return ss.save(*st)
}

func (ss *session) evaluate(ctx context.Context, logw *jsonLog, st state, res *Result) error {
	var acc Accuracy
	var err error
	if ss.dp != nil {
		acc, err = ss.dp.evaluate(ctx, ss.m, ss.eval, ss.o.BatchSize)
	} else {
		acc, err = evaluate(ctx, ss.m, ss.eval, ss.o.BatchSize)
	}
	if err != nil {
		if errors.Is(err, errStop) || ss.dp == nil && ctx.Err() != nil {
			return ss.interrupt(st)
		}
		return err
	}
	res.Eval = &acc
	fmt.Fprintf(ss.o.Log, "step %d: eval accuracy %.2f%% on %d examples\n", st.Step, 100*acc.Overall, acc.N)
	return logw.write(map[string]any{"step": st.Step, "eval_accuracy": acc.Overall, "eval_accuracy_by_type": acc.ByType})
}

// save writes a checkpoint of st and remembers where it stands.
func (ss *session) save(st state) error {
	if ss.dp != nil {
		return ss.dp.save(ss, st)
	}
	if err := saveCheckpoint(ss.o.Out, ss.m, ss.opt, st); err != nil {
		return err
	}
	ss.saved = &position{st.Step, st.Epoch, st.Micro}
	return nil
}

// abandonStep drops a step cancelled midway: its gradients are cleared and the generator
// rewound to the step's start, then the last finished step is checkpointed.
func (ss *session) abandonStep(st state, rng []byte) error {
	if err := ss.m.ZeroGrad(); err != nil {
		return err
	}
	if err := binding.SetRNGState(rng); err != nil {
		return err
	}
	return ss.interrupt(st)
}

// interrupt saves a checkpoint of the last finished step, unless the newest checkpoint is
// already of it (Ctrl-C right after resuming or after an epoch's checkpoint).
func (ss *session) interrupt(st state) error {
	if ss.saved != nil && *ss.saved == (position{st.Step, st.Epoch, st.Micro}) {
		dir := filepath.Join(ss.o.Out, checkpointPrefix+strconv.Itoa(st.Step))
		return fmt.Errorf("%w at step %d of %d; checkpoint saved in %s (continue with --resume)", ErrInterrupted, st.Step, st.Total, dir)
	}
	if err := ss.save(st); err != nil {
		return fmt.Errorf("%w at step %d of %d, and saving the checkpoint failed: %v", ErrInterrupted, st.Step, st.Total, err)
	}
	dir := filepath.Join(ss.o.Out, checkpointPrefix+strconv.Itoa(st.Step))
	return fmt.Errorf("%w at step %d of %d; checkpoint saved in %s (continue with --resume)", ErrInterrupted, st.Step, st.Total, dir)
}
