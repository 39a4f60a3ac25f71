package tokenizer

import (
	"errors"
	"fmt"
)

// ErrSequenceTooShort is the Rust tokenizer's refusal to truncate a sequence shorter than the
// number of tokens to remove (OnlyFirst / OnlySecond).
var ErrSequenceTooShort = errors.New("tokenizer: sequence to truncate is shorter than the tokens to remove")

// window is a truncated seq plus its overflowing windows.
type window struct {
	main seq
	over []seq
}

// truncateWindows is the Rust Encoding::truncate (right side): the first maxLen tokens, then
// windows of maxLen starting every maxLen-stride tokens.
func truncateWindows(s seq, maxLen, stride int) (window, error) {
	n := s.len()
	if maxLen >= n {
		return window{main: s}, nil
	}
	if maxLen == 0 {
		return window{main: seq{ids: []int32{}, offs: emptyIf(s.offs), chars: emptyIf(s.chars), words: emptyWords(s.words)}, over: []seq{s}}, nil
	}
	if stride >= maxLen {
		return window{}, fmt.Errorf("tokenizer: stride %d must be less than the room left for text, %d", stride, maxLen)
	}
	var w window
	step := maxLen - stride
	for start := 0; ; start += step {
		stop := min(start+maxLen, n)
		if start == 0 {
			w.main = s.slice(start, stop)
		} else {
			w.over = append(w.over, s.slice(start, stop))
		}
		if stop == n {
			break
		}
	}
	return w, nil
}

func emptyIf(o []Offset) []Offset {
	if o == nil {
		return nil
	}
	return []Offset{}
}

func emptyWords(w []int32) []int32 {
	if w == nil {
		return nil
	}
	return []int32{}
}

// truncateFast is the Rust truncate_encodings with maxLen already reduced by the specials.
func truncateFast(a seq, b *seq, maxLen int, strat Truncation, stride int) (window, *window, error) {
	total := a.len()
	if b != nil {
		total += b.len()
	}
	wa, wb := window{main: a}, (*window)(nil)
	if b != nil {
		wb = &window{main: *b}
	}
	if strat == NoTruncation {
		return wa, wb, nil
	}
	if maxLen == 0 { // Rust moves everything to the overflow
		wa, _ = truncateWindows(a, 0, stride)
		if b != nil {
			w2, _ := truncateWindows(*b, 0, stride)
			wb = &w2
		}
		return wa, wb, nil
	}
	if total <= maxLen {
		return wa, wb, nil
	}
	remove := total - maxLen
	var err error
	switch strat {
	case LongestFirst:
		if b == nil {
			wa, err = truncateWindows(a, total-remove, stride)
			return wa, nil, err
		}
		n1, n2 := a.len(), b.len()
		swap := n1 > n2
		if swap {
			n1, n2 = n2, n1
		}
		if n1 > maxLen {
			n2 = n1
		} else {
			n2 = max(n1, maxLen-n1)
		}
		if n1+n2 > maxLen {
			n1 = maxLen / 2
			n2 = n1 + maxLen%2
		}
		if swap {
			n1, n2 = n2, n1
		}
		if wa, err = truncateWindows(a, n1, stride); err != nil {
			return wa, nil, err
		}
		w2, err := truncateWindows(*b, n2, stride)
		return wa, &w2, err
	case OnlyFirst, OnlySecond:
		target := &a
		if strat == OnlySecond {
			if b == nil {
				return wa, nil, errors.New("tokenizer: OnlySecond truncation needs a second sequence")
			}
			target = b
		}
		if target.len() <= remove {
			return wa, wb, ErrSequenceTooShort
		}
		w, err := truncateWindows(*target, target.len()-remove, stride)
		if strat == OnlySecond {
			return wa, &w, err
		}
		return w, wb, err
	}
	return wa, wb, nil
}
