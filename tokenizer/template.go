package tokenizer

// build applies the BERT template: [CLS] A [SEP] or [CLS] A [SEP] B [SEP], with type ids 0 for
// the first part and 1 for the second. withSpecial false concatenates the sequences only.
func (c *core) build(a seq, b *seq, withSpecial bool, fast bool) *Encoding {
	n := a.len()
	if b != nil {
		n += b.len()
	}
	if withSpecial {
		n += 2
		if b != nil {
			n++
		}
	}
	// One backing array per element type: an encoding costs a handful of allocations.
	k := 4
	if fast {
		k = 6
	}
	ints := make([]int, k*n)
	part0 := func(i int) []int { return ints[i*n : i*n : (i+1)*n] }
	e := &Encoding{IDs: part0(0), TypeIDs: part0(1), SpecialTokensMask: part0(2), AttentionMask: ints[3*n : 4*n : 4*n]}
	if fast {
		offs := make([]Offset, 2*n)
		e.Offsets, e.CharOffsets = offs[0:0:n], offs[n:n:2*n]
		e.WordIDs, e.SequenceIDs = part0(4), part0(5)
	}
	special := func(id int32, typ int) {
		e.IDs = append(e.IDs, int(id))
		e.TypeIDs = append(e.TypeIDs, typ)
		e.SpecialTokensMask = append(e.SpecialTokensMask, 1)
		if fast {
			e.Offsets, e.CharOffsets = append(e.Offsets, Offset{}), append(e.CharOffsets, Offset{})
			e.WordIDs, e.SequenceIDs = append(e.WordIDs, -1), append(e.SequenceIDs, -1)
		}
	}
	part := func(s seq, typ int) {
		for i, id := range s.ids {
			e.IDs = append(e.IDs, int(id))
			e.TypeIDs = append(e.TypeIDs, typ)
			e.SpecialTokensMask = append(e.SpecialTokensMask, 0)
			if fast {
				e.Offsets, e.CharOffsets = append(e.Offsets, s.offs[i]), append(e.CharOffsets, s.chars[i])
				e.WordIDs, e.SequenceIDs = append(e.WordIDs, int(s.words[i])), append(e.SequenceIDs, typ)
			}
		}
	}
	if withSpecial {
		special(c.clsID, 0)
	}
	part(a, 0)
	if withSpecial {
		special(c.sepID, 0)
	}
	if b != nil {
		typB := 1
		if !withSpecial && !fast { // HF's prepare_for_model: all zeros without special tokens
			typB = 0
		}
		part(*b, typB)
		if withSpecial {
			special(c.sepID, 1)
		}
	}
	for i := range e.AttentionMask {
		e.AttentionMask[i] = 1
	}
	e.Tokens = make([]string, len(e.IDs))
	for i, id := range e.IDs {
		e.Tokens[i], _ = c.idToToken(id)
	}
	return e
}

// numSpecial is the number of tokens the template adds.
func numSpecial(pair bool) int {
	if pair {
		return 3
	}
	return 2
}
