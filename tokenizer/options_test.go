package tokenizer

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

type optionRef struct {
	Config string `json:"config"`
	Text   string `json:"text"`
	Slow   struct {
		Tokens []string `json:"tokens"`
		IDs    []int    `json:"ids"`
		Decode string   `json:"decode"`
	} `json:"slow"`
	Fast struct {
		Tokens  []string `json:"tokens"`
		IDs     []int    `json:"ids"`
		Offsets [][2]int `json:"offsets"`
		Decode  string   `json:"decode"`
	} `json:"fast"`
}

// optionConfigs mirrors OPTION_CONFIGS in tests/gen_tokenizer.py.
var optionConfigs = map[string]Options{
	"cased":               {DoLowerCase: Bool(false)},
	"lower_keep_accents":  {DoLowerCase: Bool(true), StripAccents: Bool(false)},
	"cased_strip_accents": {DoLowerCase: Bool(false), StripAccents: Bool(true)},
	"no_chinese_split":    {TokenizeChineseChars: Bool(false)},
	"never_split":         {NeverSplit: []string{"[foo]", "don't", "Café"}},
	"extra_special":       {AdditionalSpecialTokens: []string{"[OBJ]", "<img>"}},
}

// TestOptionsParity checks do_lower_case, strip_accents, tokenize_chinese_chars, never_split
// and added special tokens against HF on a fifth of the corpus.
func TestOptionsParity(t *testing.T) {
	refs := readJSONL[optionRef](t, "options.jsonl.gz")
	type pair struct {
		slow *LxmertTokenizer
		fast *LxmertTokenizerFast
	}
	toks := map[string]pair{}
	for name, o := range optionConfigs {
		s, err := New(o)
		require.NoError(t, err)
		f, err := NewFast(o)
		require.NoError(t, err)
		toks[name] = pair{s, f}
	}
	ty := newTally(t)
	defer ty.report()
	for _, r := range refs {
		p, ok := toks[r.Config]
		require.True(t, ok, r.Config)
		st := nonNil(p.slow.Tokenize(r.Text))
		se, err := p.slow.Encode(r.Text)
		require.NoError(t, err)
		ty.check("slow "+r.Config, equalStrings(st, r.Slow.Tokens) && reflect.DeepEqual(se.IDs, r.Slow.IDs) &&
			p.slow.Decode(se.IDs, DecodeOptions{SkipSpecialTokens: true}) == r.Slow.Decode,
			"%q: got %q %v want %q %v", r.Text, st, se.IDs, r.Slow.Tokens, r.Slow.IDs)
		ft := nonNil(p.fast.Tokenize(r.Text))
		fe, err := p.fast.Encode(r.Text)
		require.NoError(t, err)
		ty.check("fast "+r.Config, equalStrings(ft, r.Fast.Tokens) && reflect.DeepEqual(fe.IDs, r.Fast.IDs) &&
			reflect.DeepEqual(charOffsets(fe.CharOffsets), r.Fast.Offsets) &&
			p.fast.Decode(fe.IDs, DecodeOptions{SkipSpecialTokens: true}) == r.Fast.Decode,
			"%q: got %q %v want %q %v", r.Text, ft, fe.CharOffsets, r.Fast.Tokens, r.Fast.Offsets)
	}
}
