package tokenizer

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// encodeBatch runs one encode function over inputs on GOMAXPROCS goroutines, then pads the batch.
func (c *core) encodeBatch(inputs []Input, o *EncodeOptions, one func(Input, *EncodeOptions) (*Encoding, error)) ([]*Encoding, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := c.checkPadLength(o); err != nil {
		return nil, err
	}
	out := make([]*Encoding, len(inputs))
	errs := make([]error, len(inputs))
	workers := min(runtime.GOMAXPROCS(0), len(inputs))
	if workers <= 1 || len(inputs) < 8 {
		for i, in := range inputs {
			out[i], errs[i] = one(in, o)
		}
	} else {
		// Workers take blocks of inputs from a shared counter: texts differ a lot in cost, so
		// fixed contiguous chunks leave one goroutine idle while another works.
		const block = 16
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					lo := int(next.Add(block)) - block
					if lo >= len(inputs) {
						return
					}
					for i := lo; i < min(lo+block, len(inputs)); i++ {
						out[i], errs[i] = one(inputs[i], o)
					}
				}
			}()
		}
		wg.Wait()
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("input %d: %w", i, err)
		}
	}
	c.padBatch(out, o)
	return out, nil
}

// encodeSingle is encodeBatch for one input without the batch bookkeeping.
func (c *core) encodeSingle(in Input, o *EncodeOptions, one func(Input, *EncodeOptions) (*Encoding, error)) (*Encoding, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := c.checkPadLength(o); err != nil {
		return nil, err
	}
	e, err := one(in, o)
	if err != nil {
		return nil, err
	}
	if o.Padding == PadMaxLength {
		c.padTo(e, c.maxLength(o), o.PadLeft)
	} else if o.Padding == PadLongest {
		c.padTo(e, len(e.IDs), o.PadLeft) // pads the overflowing windows to the main one
	}
	return e, nil
}

// maxPadLength bounds PadMaxLength so that a huge model_max_length (HF writes 1e30 for "no
// limit") cannot exhaust memory.
const maxPadLength = 1 << 20

func (c *core) checkPadLength(o *EncodeOptions) error {
	if o.Padding == PadMaxLength && c.maxLength(o) > maxPadLength {
		return fmt.Errorf("tokenizer: refusing to pad to %d tokens (more than %d); set MaxLength", c.maxLength(o), maxPadLength)
	}
	return nil
}

func errMaxLength(maxLen, special int) error {
	return fmt.Errorf("tokenizer: MaxLength %d leaves no room for the %d special tokens", maxLen, special)
}

func countRunes(b []byte) int { return utf8.RuneCount(b) }

func (c *core) idsToTokens(ids []int32) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i], _ = c.idToToken(int(id))
	}
	return out
}

func errBadID(pos, id, size int) error {
	return fmt.Errorf("tokenizer: id %d at position %d is outside the vocabulary (size %d)", id, pos, size)
}
