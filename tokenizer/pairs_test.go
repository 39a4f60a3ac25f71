package tokenizer

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

type pairSide struct {
	InputIDs          []int    `json:"input_ids"`
	TokenTypeIDs      []int    `json:"token_type_ids"`
	AttentionMask     []int    `json:"attention_mask"`
	SpecialTokensMask []int    `json:"special_tokens_mask"`
	Offsets           [][2]int `json:"offsets"`
	Words             []*int   `json:"words"`
	SequenceIDs       []*int   `json:"sequence_ids"`
}

type pairRef struct {
	A    string   `json:"a"`
	B    string   `json:"b"`
	Slow pairSide `json:"slow"`
	Fast pairSide `json:"fast"`
}

// TestPairParity compares pair encodings (ids, type ids, masks; offsets, word and sequence
// ids for the fast tokenizer) with HF.
func TestPairParity(t *testing.T) {
	refs := readJSONL[pairRef](t, "pairs.jsonl.gz")
	require.GreaterOrEqual(t, len(refs), 1000)
	slow, err := New(Options{})
	require.NoError(t, err)
	fast, err := NewFast(Options{})
	require.NoError(t, err)
	ty := newTally(t)
	defer ty.report()
	for _, r := range refs {
		se, err := slow.EncodePair(r.A, r.B)
		require.NoError(t, err)
		got := pairSide{se.IDs, se.TypeIDs, se.AttentionMask, se.SpecialTokensMask, nil, nil, nil}
		ty.check("slow pair", reflect.DeepEqual(got, r.Slow), "%q / %q: got %+v want %+v", r.A, r.B, got, r.Slow)
		fe, err := fast.EncodePair(r.A, r.B)
		require.NoError(t, err)
		ok := reflect.DeepEqual(fe.IDs, r.Fast.InputIDs) && reflect.DeepEqual(fe.TypeIDs, r.Fast.TokenTypeIDs) &&
			reflect.DeepEqual(fe.AttentionMask, r.Fast.AttentionMask) &&
			reflect.DeepEqual(fe.SpecialTokensMask, r.Fast.SpecialTokensMask) &&
			reflect.DeepEqual(charOffsets(fe.CharOffsets), r.Fast.Offsets) &&
			reflect.DeepEqual(fe.WordIDs, optInts(r.Fast.Words)) &&
			reflect.DeepEqual(fe.SequenceIDs, optInts(r.Fast.SequenceIDs))
		ty.check("fast pair", ok, "%q / %q: got %v %v", r.A, r.B, fe.IDs, fe.CharOffsets)
	}
}

// TestSmallVocab runs HF's own WordPiece unit-test vocabulary and cases, such as
// "UNwant\u00E9d,running" -> un ##want ##ed , runn ##ing.
func TestSmallVocab(t *testing.T) {
	vocab, err := LoadVocab(fixtureDir + "small_vocab.txt")
	require.NoError(t, err)
	slow, err := New(Options{Vocab: vocab})
	require.NoError(t, err)
	fast, err := NewFast(Options{Vocab: vocab})
	require.NoError(t, err)
	require.Equal(t, []string{"un", "##want", "##ed", ",", "runn", "##ing"}, slow.Tokenize("UNwant\u00E9d,running"))
	for _, r := range readJSONL[singleRef](t, "small.jsonl") {
		t.Run(r.Text, func(t *testing.T) {
			require.Equal(t, r.Slow.Tokens, nonNil(slow.Tokenize(r.Text)))
			se, err := slow.Encode(r.Text)
			require.NoError(t, err)
			require.Equal(t, r.Slow.IDs, se.IDs)
			require.Equal(t, r.Slow.Decode, slow.Decode(se.IDs, DecodeOptions{}))
			require.Equal(t, r.Fast.Tokens, nonNil(fast.Tokenize(r.Text)))
			fe, err := fast.Encode(r.Text)
			require.NoError(t, err)
			require.Equal(t, r.Fast.IDs, fe.IDs)
			require.Equal(t, r.Fast.Offsets, charOffsets(fe.CharOffsets))
			require.Equal(t, r.Fast.Decode, fast.Decode(fe.IDs, DecodeOptions{}))
		})
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
