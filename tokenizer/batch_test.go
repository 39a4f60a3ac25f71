package tokenizer

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEncodeBatchMatchesSingle runs the parallel batch path over the whole corpus (run it with
// -race) and checks it against one-at-a-time encodes.
func TestEncodeBatchMatchesSingle(t *testing.T) {
	refs := readJSONL[singleRef](t, "corpus.jsonl.gz")
	ins := make([]Input, len(refs))
	for i, r := range refs {
		ins[i] = Input{Text: r.Text, Pair: refs[(i+1)%len(refs)].Text, IsPair: i%3 == 0}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, tc := range []struct {
		name string
		tk   Tokenizer
	}{{"slow", mustSlow(t)}, {"fast", mustFast(t)}} {
		t.Run(tc.name, func(t *testing.T) {
			o := EncodeOptions{Truncation: LongestFirst, MaxLength: 64}
			got, err := tc.tk.EncodeBatch(ins, o)
			require.NoError(t, err)
			for i, in := range ins {
				if in.IsPair && in.Pair == "" {
					continue // EncodeWith drops an empty second text like HF's encode_plus
				}
				want, err := tc.tk.EncodeWith(in, o)
				require.NoError(t, err)
				require.Equal(t, want, got[i], "input %d", i)
			}
		})
	}
}

func mustSlow(t *testing.T) *LxmertTokenizer {
	tk, err := New(Options{})
	require.NoError(t, err)
	return tk
}

func mustFast(t *testing.T) *LxmertTokenizerFast {
	tk, err := NewFast(Options{})
	require.NoError(t, err)
	return tk
}
