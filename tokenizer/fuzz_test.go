package tokenizer

import (
	"reflect"
	"testing"

	"github.com/lxmert-go/golxmert/internal/allocbound"
	"unicode/utf8"
)

// FuzzEncode feeds arbitrary bytes (invalid UTF-8 included) to both tokenizers: nothing may
// panic, ids stay inside the vocabulary and offsets inside the text.
func FuzzEncode(f *testing.F) {
	for _, s := range []string{"", "What color is the dog?", "UNwant\u00E9d,running", "[CLS] x [MASK]",
		"\xff\xfe\x00", "가나다 が 中文 😀", "Σ ΑΣ İ ẞ ﬁ", "a\u2028b\u00adc\u200bd", string(make([]byte, 300))} {
		f.Add(s, "pair text", uint8(0))
	}
	slow, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	fast, err := NewFast(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, pair string, knobs uint8) {
		allocbound.Check(t, len(text)+len(pair), 4096, func() {
			o := EncodeOptions{
				Truncation:        Truncation(knobs % 4),
				Padding:           Padding(knobs / 4 % 3),
				PadLeft:           knobs&0x10 != 0,
				MaxLength:         int(knobs%29) + 1,
				Stride:            int(knobs % 3),
				ReturnOverflowing: knobs&0x20 != 0,
			}
			in := Input{Text: text, Pair: pair, IsPair: knobs&0x40 != 0}
			for _, tk := range []Tokenizer{slow, fast} {
				_ = tk.Tokenize(text)
				for _, opts := range []EncodeOptions{{}, o} {
					e, err := tk.EncodeWith(in, opts)
					if err != nil {
						continue // refusals (too short to truncate, stride too large) are errors, not panics
					}
					for _, row := range e.Rows() {
						checkRow(t, row, in, tk.VocabSize())
						_ = tk.Decode(row.IDs, DecodeOptions{SkipSpecialTokens: knobs&1 == 0})
					}
				}
				if knobs&0x80 != 0 && in.Pair != "" { // the parallel batch path agrees with single encodes
					batch := make([]Input, 9)
					for i := range batch {
						batch[i] = in
					}
					es, err := tk.EncodeBatch(batch, EncodeOptions{})
					one, err1 := tk.EncodeWith(in, EncodeOptions{})
					if (err == nil) != (err1 == nil) {
						t.Fatalf("batch error %v, single error %v", err, err1)
					}
					for _, e := range es {
						if !reflect.DeepEqual(e, one) {
							t.Fatalf("batch encoding differs from single: %v vs %v", e.IDs, one.IDs)
						}
					}
				}
			}
		})
	})
}

func checkRow(t *testing.T, e *Encoding, in Input, vocab int) {
	n := len(e.IDs)
	if len(e.TypeIDs) != n || len(e.AttentionMask) != n || len(e.SpecialTokensMask) != n || len(e.Tokens) != n {
		t.Fatalf("ragged encoding: %d ids, %d types, %d mask", n, len(e.TypeIDs), len(e.AttentionMask))
	}
	for _, id := range e.IDs {
		if id < 0 || id >= vocab {
			t.Fatalf("id %d outside vocabulary of %d", id, vocab)
		}
	}
	if e.Offsets == nil {
		return
	}
	for i, o := range e.Offsets {
		text := in.Text
		if e.SequenceIDs[i] == 1 {
			text = in.Pair
		}
		c := e.CharOffsets[i]
		if o.Start < 0 || o.Start > o.End || o.End > len(text) || c.Start < 0 || c.Start > c.End ||
			c.End > utf8.RuneCountInString(text) {
			t.Fatalf("token %d offsets %v / %v outside text of %d bytes", i, o, c, len(text))
		}
	}
}
