package tokenizer

import (
	"sync"
	"unsafe"
)

// LxmertTokenizer reproduces HF's slow LxmertTokenizer (BertTokenizer): BasicTokenizer then
// WordPiece, with transformers' own truncation, padding and decoding. It is safe for
// concurrent use.
type LxmertTokenizer struct {
	*core
	pool sync.Pool
}

// New returns a slow tokenizer. The zero Options give bert-base-uncased as LXMERT uses it.
func New(o Options) (*LxmertTokenizer, error) {
	c, err := newCore(o)
	if err != nil {
		return nil, err
	}
	t := &LxmertTokenizer{core: c}
	t.pool.New = func() any { return &slowScratch{} }
	return t, nil
}

// ids appends the token ids of text (no special tokens added) to dst. With names non-nil it
// also appends the token strings: a never_split word is kept whole as HF does, so its string
// can differ from the token of its id (the unknown token when it is not in the vocabulary).
func (t *LxmertTokenizer) ids(dst []int32, text string, names *[]string) []int32 {
	s := t.pool.Get().(*slowScratch)
	defer t.pool.Put(s)
	src := text
	if t.lower {
		s.lowd = t.lowerText(s.lowd[:0], text, s)
		if len(s.lowd) > 0 {
			src = unsafe.String(&s.lowd[0], len(s.lowd)) // read-only while s is held
		}
	}
	t.splitAdded(src, func(seg string, _ int, isAdded bool) {
		if isAdded {
			dst = append(dst, t.addedIDs[seg])
			if names != nil {
				*names = append(*names, seg)
			}
			return
		}
		t.basicWords(seg, s, func(word []byte) {
			if t.userNeverSplit[string(word)] { // HF skips WordPiece for these
				id, ok := t.vocab.ids[string(word)]
				if !ok {
					id = int(t.unkID)
				}
				dst = append(dst, int32(id))
				if names != nil {
					*names = append(*names, string(word))
				}
				return
			}
			s.spans = t.wp.tokenize(s.spans[:0], word, countRunes(word))
			for _, sp := range s.spans {
				dst = append(dst, sp.id)
				if names != nil {
					*names = append(*names, t.vocab.tokens[sp.id])
				}
			}
		})
	})
	return dst
}

// Tokenize returns the word pieces of text without special tokens (HF tokenize).
func (t *LxmertTokenizer) Tokenize(text string) []string {
	var names []string
	t.ids(nil, text, &names)
	return names
}

// Encode encodes one text with [CLS] and [SEP] (HF encode / __call__).
func (t *LxmertTokenizer) Encode(text string) (*Encoding, error) {
	return t.EncodeWith(Input{Text: text}, EncodeOptions{})
}

// EncodePair encodes a text pair: [CLS] a [SEP] b [SEP] with type ids 0 then 1.
func (t *LxmertTokenizer) EncodePair(a, b string) (*Encoding, error) {
	return t.EncodeWith(Input{Text: a, Pair: b, IsPair: true}, EncodeOptions{})
}

// EncodeWith encodes one input with truncation and padding options. PadLongest pads nothing
// for a single input.
func (t *LxmertTokenizer) EncodeWith(in Input, o EncodeOptions) (*Encoding, error) {
	return t.encodeSingle(in, &o, t.encodeOne)
}

func (t *LxmertTokenizer) encodeOne(in Input, o *EncodeOptions) (*Encoding, error) {
	a := t.ids(nil, in.Text, nil)
	var b []int32
	if in.IsPair {
		b = t.ids(nil, in.Pair, nil)
	}
	return t.encodeSlowIDs(a, b, in.IsPair, o)
}

// EncodeBatch encodes inputs in parallel on all CPUs, then pads them together.
func (t *LxmertTokenizer) EncodeBatch(inputs []Input, o EncodeOptions) ([]*Encoding, error) {
	return t.encodeBatch(inputs, &o, t.encodeOne)
}

// Decode turns ids back into text as HF's slow decode does.
func (t *LxmertTokenizer) Decode(ids []int, o DecodeOptions) string { return t.decodeSlow(ids, o) }
