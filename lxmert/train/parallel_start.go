package train

import (
	"encoding/json"
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// stateMessage is what rank 0 tells the others at the start.
type stateMessage struct {
	Err     string `json:"err,omitempty"`
	State   state  `json:"state"`
	Resumed bool   `json:"resumed"`
}

// start is startState for a group: rank 0 prepares --out (and restores a checkpoint), then
// everyone takes its state, parameters and optimizer state; each rank seeds its own dropout
// stream. The gradient reducer is made last, on the final parameter tensors.
func (dp *dataParallel) start(ss *session) (state, error) {
	var msg stateMessage
	var err error
	if dp.rank == 0 {
		msg.State, err = ss.startLocal()
		msg.Resumed = ss.saved != nil
		if err != nil {
			msg.Err = err.Error()
		}
	}
	raw, _ := json.Marshal(msg)
	got, cerr := dp.g.BroadcastBytes(0, raw)
	if dp.rank == 0 && err != nil {
		return msg.State, err
	}
	if cerr != nil {
		return msg.State, cerr
	}
	if err := json.Unmarshal(got, &msg); err != nil {
		return msg.State, fmt.Errorf("train: rank %d: the start state from rank 0: %v", dp.rank, err)
	}
	if msg.Err != "" {
		return msg.State, fmt.Errorf("train: rank %d: stopped because rank 0 failed to start: %s", dp.rank, msg.Err)
	}
	st := msg.State
	if err := dp.syncModel(ss, msg.Resumed); err != nil {
		return st, err
	}
	if msg.Resumed {
		ss.saved = &position{st.Step, st.Epoch, st.Micro}
	}
	if err := dp.seedDropout(ss.o.Seed, st, msg.Resumed); err != nil {
		return st, err
	}
	params := ss.m.Parameters()
	ts := make([]binding.Tensor, len(params))
	for i, p := range params {
		ts[i] = p.T
	}
	if dp.red, err = dp.g.NewGradReducer(ts); err != nil {
		return st, err
	}
	return st, nil
}

// seedDropout: rank 0 keeps the stream a single process would have (seeded, or restored
// with the checkpoint); rank r restores its own saved stream when the checkpoint was made
// by as many ranks, and otherwise starts one seeded by (seed, r, step).
func (dp *dataParallel) seedDropout(seed uint64, st state, resumed bool) error {
	if dp.rank == 0 {
		return nil
	}
	if resumed && len(st.RNGStates) == dp.size {
		if err := binding.SetRNGState(st.RNGStates[dp.rank]); err != nil {
			return fmt.Errorf("train: --resume: rank %d's generator state: %w", dp.rank, err)
		}
		return nil
	}
	step := uint64(0)
	if resumed {
		step = uint64(st.Step)
	}
	binding.ManualSeed(seed ^ (uint64(dp.rank) * 0x9e3779b97f4a7c15) ^ (step * 0xbf58476d1ce4e5b9))
	return nil
}
