package dist

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// SumFloat64s returns the element-wise sum of v over the ranks (every rank passes the same
// length).
func (g *Group) SumFloat64s(v []float64) ([]float64, error) {
	if len(v) == 0 {
		return nil, nil
	}
	s := binding.NewScope()
	defer s.Close()
	t := s.FromFloat64(v, int64(len(v)))
	if err := s.Err(); err != nil {
		return nil, err
	}
	if err := g.AllReduce(binding.ReduceOpSum, t); err != nil {
		return nil, err
	}
	out := s.Float64s(t)
	return out, s.Err()
}

// MinInt returns the smallest v over the ranks.
func (g *Group) MinInt(v int) (int, error) {
	s := binding.NewScope()
	defer s.Close()
	t := s.FromInt64([]int64{int64(v)}, 1)
	if err := g.AllReduce(binding.ReduceOpMin, t); err != nil {
		return 0, err
	}
	out := s.Int64s(t)
	if err := s.Err(); err != nil {
		return 0, err
	}
	return int(out[0]), nil
}

// BroadcastBytes returns root's b on every rank (the others' b is ignored).
func (g *Group) BroadcastBytes(root int, b []byte) ([]byte, error) {
	s := binding.NewScope()
	defer s.Close()
	n := s.FromInt64([]int64{int64(len(b))}, 1)
	if err := g.Broadcast(root, n); err != nil {
		return nil, err
	}
	size := s.Int64s(n)[0]
	if size == 0 {
		return []byte{}, s.Err()
	}
	buf := make([]byte, size)
	if g.Rank() == root {
		copy(buf, b)
	}
	t := s.FromBytes(buf, binding.Uint8, size)
	if err := g.Broadcast(root, t); err != nil {
		return nil, err
	}
	out := s.Bytes(t)
	return out, s.Err()
}

// AllGatherBytes returns every rank's b, by rank (they may differ in length).
func (g *Group) AllGatherBytes(b []byte) ([][]byte, error) {
	s := binding.NewScope()
	defer s.Close()
	lens := make([]float64, g.Size())
	lens[g.Rank()] = float64(len(b))
	lens, err := g.SumFloat64s(lens)
	if err != nil {
		return nil, err
	}
	longest := int64(0)
	for _, l := range lens {
		longest = max(longest, int64(l))
	}
	if longest == 0 {
		return make([][]byte, g.Size()), nil
	}
	buf := make([]byte, longest)
	copy(buf, b)
	in := s.FromBytes(buf, binding.Uint8, longest)
	outs := make([]binding.Tensor, g.Size())
	for i := range outs {
		outs[i] = s.Zeros(binding.Uint8, longest)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	if err := g.Explain("all-gather", g.pg.AllGather(in, outs)); err != nil {
		return nil, err
	}
	all := make([][]byte, g.Size())
	for i, o := range outs {
		all[i] = s.Bytes(o)[:int(lens[i])]
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("dist: %w", err)
	}
	return all, nil
}
