package tokenizer

import "errors"

// ErrOverflowLongestFirstPair is HF's refusal to report overflowing tokens for a pair
// truncated with LongestFirst (slow tokenizer).
var ErrOverflowLongestFirstPair = errors.New("tokenizer: overflowing tokens cannot be returned for a pair truncated longest_first; use OnlyFirst or OnlySecond")

// encodeSlowIDs is HF's prepare_for_model on token ids: truncation (with transformers'
// truncate_sequences), special tokens and the overflow report.
func (c *core) encodeSlowIDs(a []int32, b []int32, pair bool, o *EncodeOptions) (*Encoding, error) {
	if o.ReturnOverflowing && o.Truncation == LongestFirst && pair {
		return nil, ErrOverflowLongestFirstPair
	}
	total := len(a) + len(b)
	if !o.NoSpecialTokens {
		total += numSpecial(pair)
	}
	maxLen := c.maxLength(o)
	var over []int32
	if o.Truncation != NoTruncation && total > maxLen {
		a, b, over = truncateSlow(a, b, pair, total-maxLen, o.Truncation, o.Stride)
	}
	sa := seq{ids: a}
	var sb *seq
	if pair {
		sb = &seq{ids: b}
	}
	e := c.build(sa, sb, !o.NoSpecialTokens, false)
	if o.ReturnOverflowing {
		e.OverflowingTokens = make([]int, len(over))
		for i, id := range over {
			e.OverflowingTokens[i] = int(id)
		}
		e.NumTruncatedTokens = total - maxLen
	}
	return e, nil
}

// truncateSlow follows transformers' truncate_sequences (right side). When the chosen sequence
// is too short HF only logs an error and leaves both untouched; so does this.
func truncateSlow(a, b []int32, pair bool, remove int, strat Truncation, stride int) ([]int32, []int32, []int32) {
	cut := func(s []int32) ([]int32, []int32, bool) {
		if len(s) <= remove {
			return s, nil, false
		}
		window := min(len(s), stride+remove)
		return s[:len(s)-remove], s[len(s)-window:], true
	}
	switch {
	case strat == OnlyFirst || (strat == LongestFirst && !pair):
		if t, over, ok := cut(a); ok {
			return t, b, over
		}
	case strat == LongestFirst:
		firstRemove := min(abs(len(b)-len(a)), remove)
		secondRemove := remove - firstRemove
		var ra, rb int
		if len(a) > len(b) {
			ra = firstRemove + secondRemove/2
			rb = secondRemove - secondRemove/2
		} else {
			ra = secondRemove / 2
			rb = firstRemove + secondRemove - secondRemove/2
		}
		return a[:max(0, len(a)-ra)], b[:max(0, len(b)-rb)], nil
	case strat == OnlySecond && pair:
		if t, over, ok := cut(b); ok {
			return a, t, over
		}
	}
	return a, b, nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
