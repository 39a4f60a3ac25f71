package tokenizer

// padTo pads e (and its overflowing windows) to length n with [PAD], type id 0, attention 0,
// special mask 1 and empty offsets, on the right or the left. Longer encodings are kept.
func (c *core) padTo(e *Encoding, n int, left bool) {
	for _, o := range e.Overflowing {
		c.padTo(o, n, left)
	}
	k := n - len(e.IDs)
	if k <= 0 {
		return
	}
	e.IDs = padInts(e.IDs, k, int(c.padID), left)
	e.TypeIDs = padInts(e.TypeIDs, k, 0, left)
	e.AttentionMask = padInts(e.AttentionMask, k, 0, left)
	e.SpecialTokensMask = padInts(e.SpecialTokensMask, k, 1, left)
	e.Tokens = padSlice(e.Tokens, k, c.pad, left)
	if e.Offsets != nil {
		e.Offsets = padSlice(e.Offsets, k, Offset{}, left)
		e.CharOffsets = padSlice(e.CharOffsets, k, Offset{}, left)
		e.WordIDs = padInts(e.WordIDs, k, -1, left)
		e.SequenceIDs = padInts(e.SequenceIDs, k, -1, left)
	}
}

func padInts(s []int, k, v int, left bool) []int { return padSlice(s, k, v, left) }

func padSlice[T any](s []T, k int, v T, left bool) []T {
	out := make([]T, 0, len(s)+k)
	if !left {
		out = append(out, s...)
	}
	for i := 0; i < k; i++ {
		out = append(out, v)
	}
	if left {
		out = append(out, s...)
	}
	return out
}

// padBatch applies the padding strategy to a batch: the longest top-level encoding or
// maxLen; overflowing windows get the same length, as in the Rust tokenizer.
func (c *core) padBatch(encs []*Encoding, o *EncodeOptions) {
	n := 0
	switch o.Padding {
	case NoPadding:
		return
	case PadLongest:
		for _, e := range encs {
			n = max(n, len(e.IDs))
		}
	case PadMaxLength:
		n = c.maxLength(o)
	}
	for _, e := range encs {
		c.padTo(e, n, o.PadLeft)
	}
}
