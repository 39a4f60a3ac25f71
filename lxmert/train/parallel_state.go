package train

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// syncModel gives every rank rank 0's parameters (DDP's start) and, after a resume, its
// AdamW state, which only rank 0 read from the checkpoint.
func (dp *dataParallel) syncModel(ss *session, resumed bool) error {
	var ts []binding.Tensor
	for _, p := range ss.m.Parameters() {
		ts = append(ts, p.T)
	}
	if err := dp.g.Broadcast(0, ts...); err != nil {
		return fmt.Errorf("train: rank 0's parameters: %w", err)
	}
	if !resumed {
		return nil
	}
	var state []binding.Tensor
	var steps []float64
	for _, g := range ss.opt.groups {
		state = append(append(state, g.m...), g.v...)
		steps = append(steps, g.steps...)
	}
	s := binding.NewScope()
	defer s.Close()
	st := s.FromFloat64(steps, int64(len(steps)))
	if err := s.Err(); err != nil {
		return err
	}
	if err := dp.g.Broadcast(0, append(state, st)...); err != nil {
		return fmt.Errorf("train: rank 0's optimizer state: %w", err)
	}
	steps = s.Float64s(st)
	for gi := range ss.opt.groups {
		g := &ss.opt.groups[gi]
		copy(g.steps, steps[:len(g.steps)])
		steps = steps[len(g.steps):]
	}
	return s.Err()
}

// save is saveCheckpoint for a group: every rank's dropout generator state is gathered
// into the checkpoint, rank 0 writes it, and every rank learns whether that worked.
func (dp *dataParallel) save(ss *session, st state) error {
	rng, err := binding.RNGState()
	if err != nil {
		return err
	}
	all, err := dp.g.AllGatherBytes(rng)
	if err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	st.RNGStates = all
	if dp.rank == 0 {
		err = saveCheckpoint(ss.o.Out, ss.m, ss.opt, st)
	}
	if err := dp.rootStatus("writing a checkpoint", err); err != nil {
		return err
	}
	ss.saved = &position{st.Step, st.Epoch, st.Micro}
	return nil
}

// final writes the trained model: rank 0 alone, in a group.
func (ss *session) final() error {
	if ss.dp == nil {
		return ss.saveFinal()
	}
	var err error
	if ss.dp.rank == 0 {
		err = ss.saveFinal()
	}
	return ss.dp.rootStatus("writing the final model", err)
}
