package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
)

// runShape is what every rank of a job must agree on before its first collective: ranks
// that disagree would exchange tensors of other sizes (Gloo aborts the process) or walk
// different batches.
type runShape struct {
	Parameters   string // a hash of the parameter names and shapes
	Answers      string // a hash of the answer set, in order
	Examples     int
	EvalExamples int
	TotalSteps   int
	BatchSize    int
	GradAccum    int
	Seed         uint64
	NoShuffle    bool
	MaxLength    int
	LR           float64
	Resume       bool
}

func (ss *session) shape() runShape {
	h := sha256.New()
	for _, p := range ss.m.Parameters() {
		fmt.Fprintf(h, "%s%v;", p.Name, p.Shape)
	}
	a := sha256.New()
	for _, n := range ss.train.labels.Names {
		fmt.Fprintf(a, "%s\n", n)
	}
	s := runShape{Parameters: hex.EncodeToString(h.Sum(nil))[:16], Answers: hex.EncodeToString(a.Sum(nil))[:16], Examples: len(ss.train.items),
		TotalSteps: ss.sched.Total, BatchSize: ss.o.BatchSize, GradAccum: ss.o.GradAccum, Seed: ss.o.Seed,
		NoShuffle: ss.o.NoShuffle, MaxLength: ss.o.MaxLength, LR: ss.o.LR, Resume: ss.o.Resume}
	if ss.eval != nil {
		s.EvalExamples = len(ss.eval.items)
	}
	return s
}

// checkSameRun fails every rank when some rank's model, data or options differ from rank
// 0's, naming the rank and the first difference.
func (dp *dataParallel) checkSameRun(ss *session) error {
	mine, err := json.Marshal(ss.shape())
	if err != nil {
		return err
	}
	all, err := dp.g.AllGatherBytes(mine)
	if err != nil {
		return err
	}
	var ref runShape
	if err := json.Unmarshal(all[0], &ref); err != nil {
		return fmt.Errorf("train: rank 0's run description: %v", err)
	}
	rv := reflect.ValueOf(ref)
	for r := 1; r < len(all); r++ {
		var other runShape
		if err := json.Unmarshal(all[r], &other); err != nil {
			return fmt.Errorf("train: rank %d's run description: %v", r, err)
		}
		ov := reflect.ValueOf(other)
		for i := 0; i < rv.NumField(); i++ {
			if a, b := rv.Field(i).Interface(), ov.Field(i).Interface(); a != b {
				return fmt.Errorf("train: rank %d differs from rank 0 in %s (%v, rank 0 has %v): every rank must run with the same model, data and options",
					r, rv.Type().Field(i).Name, b, a)
			}
		}
	}
	return nil
}
