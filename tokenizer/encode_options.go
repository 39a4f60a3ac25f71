package tokenizer

import "fmt"

// Padding selects how encodings are padded.
type Padding int

const (
	// NoPadding leaves every encoding at its own length.
	NoPadding Padding = iota
	// PadLongest pads to the longest encoding of the batch (HF padding="longest").
	PadLongest
	// PadMaxLength pads to MaxLength (HF padding="max_length").
	PadMaxLength
)

// Truncation selects how over-long inputs are cut to MaxLength.
type Truncation int

const (
	// NoTruncation keeps every token.
	NoTruncation Truncation = iota
	// LongestFirst removes tokens from the longer sequence first (HF "longest_first").
	LongestFirst
	// OnlyFirst truncates the first sequence only.
	OnlyFirst
	// OnlySecond truncates the second sequence only.
	OnlySecond
)

// EncodeOptions control special tokens, truncation and padding. The zero value adds [CLS] and
// [SEP] and neither truncates nor pads, as HF's encode does by default.
type EncodeOptions struct {
	// NoSpecialTokens leaves out [CLS] and [SEP] (HF add_special_tokens=False).
	NoSpecialTokens bool
	Truncation      Truncation
	Padding         Padding
	// PadLeft pads on the left (HF padding_side="left").
	PadLeft bool
	// MaxLength bounds truncation and PadMaxLength; 0 means the model maximum (512).
	MaxLength int
	// Stride is how many tokens overflowing windows repeat from the previous window.
	Stride int
	// ReturnOverflowing keeps what truncation removed (HF return_overflowing_tokens).
	ReturnOverflowing bool
}

func (c *core) maxLength(o *EncodeOptions) int {
	if o.MaxLength > 0 {
		return o.MaxLength
	}
	return c.maxLen
}

func (o *EncodeOptions) validate() error {
	switch {
	case o.Truncation < NoTruncation || o.Truncation > OnlySecond:
		return fmt.Errorf("tokenizer: unknown truncation strategy %d", o.Truncation)
	case o.Padding < NoPadding || o.Padding > PadMaxLength:
		return fmt.Errorf("tokenizer: unknown padding strategy %d", o.Padding)
	case o.MaxLength < 0 || o.Stride < 0:
		return fmt.Errorf("tokenizer: negative MaxLength %d or Stride %d", o.MaxLength, o.Stride)
	}
	return nil
}

// Input is one item of a batch: a text and, for pairs, a second text.
type Input struct {
	Text string
	// Pair is the second text when IsPair is set.
	Pair   string
	IsPair bool
}
