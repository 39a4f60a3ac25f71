package tokenizer

// Offset is a half-open range [Start, End) into the original text.
type Offset struct {
	Start, End int
}

// Encoding is the model input for one text or text pair, as HF's BatchEncoding row.
type Encoding struct {
	// IDs are the token ids, special tokens and padding included (HF input_ids).
	IDs []int
	// TypeIDs are 0 for the first sequence and its specials, 1 for the second (token_type_ids).
	TypeIDs []int
	// AttentionMask is 1 for real tokens and 0 for padding.
	AttentionMask []int
	// SpecialTokensMask is 1 for added special tokens and padding, 0 for text tokens.
	SpecialTokensMask []int
	// Tokens are the token strings of IDs.
	Tokens []string
	// Offsets are byte ranges into the text each token came from; (0,0) for specials and
	// padding. Only the fast tokenizer fills them, as in HF.
	Offsets []Offset
	// CharOffsets are the same ranges counted in runes: HF's offset_mapping.
	CharOffsets []Offset
	// WordIDs give each token's word index in its sequence, -1 for specials and padding (fast).
	WordIDs []int
	// SequenceIDs give 0 or 1 for tokens of the first or second text, -1 otherwise (fast).
	SequenceIDs []int
	// Overflowing holds the fast tokenizer's extra windows when truncation overflows: HF
	// returns them as further rows (return_overflowing_tokens).
	Overflowing []*Encoding
	// OverflowingTokens and NumTruncatedTokens are the slow tokenizer's overflow report
	// (HF overflowing_tokens and num_truncated_tokens), set when ReturnOverflowing is asked.
	OverflowingTokens  []int
	NumTruncatedTokens int
}

// Len returns the number of tokens.
func (e *Encoding) Len() int { return len(e.IDs) }

// Rows returns the encoding followed by its overflowing windows, as HF lists them.
func (e *Encoding) Rows() []*Encoding {
	return append([]*Encoding{e}, e.Overflowing...)
}

// seq is one tokenized text before special tokens: ids with, for the fast tokenizer, offsets
// and word indices.
type seq struct {
	ids   []int32
	offs  []Offset
	chars []Offset
	words []int32
}

func (s *seq) len() int { return len(s.ids) }

// slice returns tokens [a, b) sharing storage.
func (s *seq) slice(a, b int) seq {
	out := seq{ids: s.ids[a:b]}
	if s.offs != nil {
		out.offs, out.chars, out.words = s.offs[a:b], s.chars[a:b], s.words[a:b]
	}
	return out
}
