package tokenizer

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoSpecialTokens pins HF's add_special_tokens=False results (transformers 4.46.3): the
// slow tokenizer gives all-zero type ids for a pair, the fast one keeps 1 for the second text.
func TestNoSpecialTokens(t *testing.T) {
	slow, err := New(Options{})
	require.NoError(t, err)
	fast, err := NewFast(Options{})
	require.NoError(t, err)
	for _, tc := range []struct {
		name       string
		tk         Tokenizer
		in         Input
		o          EncodeOptions
		ids, types []int
	}{
		{"slow pair", slow, Input{Text: "a b", Pair: "c d", IsPair: true}, EncodeOptions{NoSpecialTokens: true}, []int{1037, 1038, 1039, 1040}, []int{0, 0, 0, 0}},
		{"fast pair", fast, Input{Text: "a b", Pair: "c d", IsPair: true}, EncodeOptions{NoSpecialTokens: true}, []int{1037, 1038, 1039, 1040}, []int{0, 0, 1, 1}},
		{"slow truncated", slow, Input{Text: "a b c d e f", Pair: "g h", IsPair: true}, EncodeOptions{NoSpecialTokens: true, Truncation: LongestFirst, MaxLength: 4}, []int{1037, 1038, 1043, 1044}, []int{0, 0, 0, 0}},
		{"fast truncated", fast, Input{Text: "a b c d e f", Pair: "g h", IsPair: true}, EncodeOptions{NoSpecialTokens: true, Truncation: LongestFirst, MaxLength: 4}, []int{1037, 1038, 1043, 1044}, []int{0, 0, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := tc.tk.EncodeWith(tc.in, tc.o)
			require.NoError(t, err)
			require.Equal(t, tc.ids, e.IDs)
			require.Equal(t, tc.types, e.TypeIDs)
			require.Equal(t, []int{0, 0, 0, 0}, e.SpecialTokensMask)
		})
	}
}
