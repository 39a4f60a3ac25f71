package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/train/dist"
)

// dataParallel is a run's share of a data-parallel job. Every rank loads the data and the
// model, walks the same global batches and takes its DistributedSampler share of each
// (examples r, r+N, …); gradients are averaged over the ranks during the backward (DDP
// buckets), so every rank applies the same clipping and AdamW step to the same parameters.
// Rank 0 alone reads and writes --out; what it read reaches the others by broadcast.
type dataParallel struct {
	g          *dist.Group
	rank, size int
	red        *binding.GradReducer
}

// errStop is the agreed end of a run after a Ctrl-C on any rank.
var errStop = errors.New("train: stop requested")

// runParallel is Run for a group of more than one process.
func runParallel(ctx context.Context, o Options) (*Result, error) {
	g := o.Group
	dp := &dataParallel{g: g, rank: g.Rank(), size: g.Size()}
	if o.BatchSize%dp.size != 0 {
		return nil, fmt.Errorf("train: --batch-size %d does not divide evenly over %d processes: each takes an equal share of every batch, so use a multiple of %d",
			o.BatchSize, dp.size, dp.size)
	}
	if dp.rank != 0 {
		o.Log, o.Progress = io.Discard, false
	}
	ss, err := prepare(o)
	if err = dp.agree("loading the data and the model", err); err != nil {
		if ss != nil {
			ss.close()
		}
		return nil, err
	}
	defer ss.close()
	ss.dp = dp
	if err := dp.checkSameRun(ss); err != nil {
		return nil, err
	}
	defer func() {
		if dp.red != nil {
			dp.red.Close()
		}
	}()
	return ss.run(ctx)
}

// agree fails every rank when any failed: a rank returns its own error, the others say
// which rank failed first (its own message is on its output).
func (dp *dataParallel) agree(what string, err error) error {
	failed := dp.size
	if err != nil {
		failed = dp.rank
	}
	first, cerr := dp.g.MinInt(failed)
	switch {
	case err != nil:
		return err
	case cerr != nil:
		return cerr
	case first < dp.size:
		return fmt.Errorf("train: rank %d: stopped because rank %d failed %s (see its message)", dp.rank, first, what)
	}
	return nil
}

// rootStatus makes rank 0's outcome of a step only it performs (writing to --out) every
// rank's: rank 0 returns err, the others an error quoting it.
func (dp *dataParallel) rootStatus(what string, err error) error {
	msg := ""
	if dp.rank == 0 && err != nil {
		msg = err.Error()
	}
	got, cerr := dp.g.BroadcastBytes(0, []byte(msg))
	switch {
	case dp.rank == 0:
		return err
	case cerr != nil:
		return cerr
	case len(got) > 0:
		return fmt.Errorf("train: rank %d: stopped because rank 0 failed %s: %s", dp.rank, what, got)
	}
	return nil
}

// shard is this rank's share of a global batch and the weight of its mean loss, so that the
// average of the ranks' gradients is the gradient of the global batch's mean loss even when
// a short last batch does not split evenly. A rank left without examples runs one with
// weight 0: every rank must take part in the gradient all-reduce.
func (dp *dataParallel) shard(idx []int) (local []int, count int, weight float64) {
	for i := dp.rank; i < len(idx); i += dp.size {
		local = append(local, idx[i])
	}
	if len(local) == 0 {
		return idx[:1], 0, 0
	}
	return local, len(local), float64(len(local)*dp.size) / float64(len(idx))
}

// stepLoss all-reduces each micro-batch's local loss sum and example count (stats holds the
// pairs) with the ranks' stop requests; it returns the sum of the micro-batches' global mean
// losses and whether any rank asked to stop.
func (dp *dataParallel) stepLoss(stats []float64, stop bool) (float64, bool, error) {
	flag := 0.0
	if stop {
		flag = 1
	}
	all, err := dp.g.SumFloat64s(append(stats, flag))
	if err != nil {
		return 0, false, err
	}
	sum := 0.0
	for i := 0; i+1 < len(all)-1; i += 2 {
		mean := all[i] / all[i+1]
		if math.IsNaN(mean) || math.IsInf(mean, 0) {
			return 0, false, fmt.Errorf("train: the loss is %v: lower --lr or check the data", mean)
		}
		sum += mean
	}
	return sum, all[len(all)-1] > 0, nil
}
