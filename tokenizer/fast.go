package tokenizer

import (
	"sync"
	"unicode/utf8"
)

// LxmertTokenizerFast reproduces HF's LxmertTokenizerFast, i.e. the Rust `tokenizers`
// BertWordPiece pipeline (BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing),
// with offsets and word ids. It is safe for concurrent use.
type LxmertTokenizerFast struct {
	*core
	pool sync.Pool
}

// NewFast returns a fast tokenizer. The zero Options give bert-base-uncased as LXMERT uses it.
func NewFast(o Options) (*LxmertTokenizerFast, error) {
	c, err := newCore(o)
	if err != nil {
		return nil, err
	}
	t := &LxmertTokenizerFast{core: c}
	t.pool.New = func() any { return &fastScratch{} }
	return t, nil
}

// seq tokenizes text into s.out: added tokens matched verbatim on the raw text, every other
// segment normalized and pre-tokenized.
func (t *LxmertTokenizerFast) seq(text string, s *fastScratch) {
	s.out = seq{ids: s.out.ids[:0], offs: s.out.offs[:0], chars: s.out.chars[:0], words: s.out.words[:0]}
	if s.out.offs == nil {
		s.out.offs, s.out.chars, s.out.words = []Offset{}, []Offset{}, []int32{}
	}
	s.wordN = 0
	chars := 0
	t.splitAdded(text, func(seg string, start int, isAdded bool) {
		if !isAdded {
			chars += t.fastSegment(seg, start, chars, s)
			return
		}
		n := utf8.RuneCountInString(seg)
		s.out.ids = append(s.out.ids, t.addedIDs[seg])
		s.out.offs = append(s.out.offs, Offset{start, start + len(seg)})
		s.out.chars = append(s.out.chars, Offset{chars, chars + n})
		s.out.words = append(s.out.words, s.wordN)
		s.wordN++
		chars += n
	})
}

// Tokenize returns the word pieces of text without special tokens (HF tokenize).
func (t *LxmertTokenizerFast) Tokenize(text string) []string {
	s := t.pool.Get().(*fastScratch)
	defer t.pool.Put(s)
	t.seq(text, s)
	return t.idsToTokens(s.out.ids)
}

// Encode encodes one text with [CLS] and [SEP], offsets and word ids.
func (t *LxmertTokenizerFast) Encode(text string) (*Encoding, error) {
	return t.EncodeWith(Input{Text: text}, EncodeOptions{})
}

// EncodePair encodes a text pair: [CLS] a [SEP] b [SEP] with type ids 0 then 1.
func (t *LxmertTokenizerFast) EncodePair(a, b string) (*Encoding, error) {
	return t.EncodeWith(Input{Text: a, Pair: b, IsPair: true}, EncodeOptions{})
}

// EncodeWith encodes one input with truncation and padding options. As in HF's encode_plus, an
// empty second text means no pair here (EncodeBatch keeps it as an empty pair, as HF does).
func (t *LxmertTokenizerFast) EncodeWith(in Input, o EncodeOptions) (*Encoding, error) {
	if in.IsPair && in.Pair == "" {
		in.IsPair = false
	}
	return t.encodeSingle(in, &o, t.encodeOne)
}

// EncodeBatch encodes inputs in parallel on all CPUs, then pads them together.
func (t *LxmertTokenizerFast) EncodeBatch(inputs []Input, o EncodeOptions) ([]*Encoding, error) {
	return t.encodeBatch(inputs, &o, t.encodeOne)
}

func (t *LxmertTokenizerFast) encodeOne(in Input, o *EncodeOptions) (*Encoding, error) {
	sa := t.pool.Get().(*fastScratch)
	defer t.pool.Put(sa)
	t.seq(in.Text, sa)
	a := sa.out
	var b *seq
	if in.IsPair {
		sb := t.pool.Get().(*fastScratch)
		defer t.pool.Put(sb)
		t.seq(in.Pair, sb)
		b = &sb.out
	}
	maxLen := t.maxLength(o)
	if !o.NoSpecialTokens && o.Truncation != NoTruncation {
		if maxLen < numSpecial(in.IsPair) {
			return nil, errMaxLength(maxLen, numSpecial(in.IsPair))
		}
		maxLen -= numSpecial(in.IsPair)
	}
	wa, wb, err := truncateFast(a, b, maxLen, o.Truncation, o.Stride)
	if err != nil {
		return nil, err
	}
	special := !o.NoSpecialTokens
	var mainB *seq
	if wb != nil {
		mainB = &wb.main
	}
	e := t.build(wa.main, mainB, special, true)
	if !o.ReturnOverflowing {
		return e, nil
	}
	// Rust's Encoding::merge_with: each first-sequence window with the second sequence and
	// its windows, then the first sequence with each second-sequence window.
	for _, oa := range wa.over {
		e.Overflowing = append(e.Overflowing, t.build(oa, mainB, special, true))
		if wb != nil {
			for i := range wb.over {
				e.Overflowing = append(e.Overflowing, t.build(oa, &wb.over[i], special, true))
			}
		}
	}
	if wb != nil {
		for i := range wb.over {
			e.Overflowing = append(e.Overflowing, t.build(wa.main, &wb.over[i], special, true))
		}
	}
	return e, nil
}

// Decode turns ids back into text as HF's fast decode does.
func (t *LxmertTokenizerFast) Decode(ids []int, o DecodeOptions) string { return t.decodeFast(ids, o) }
