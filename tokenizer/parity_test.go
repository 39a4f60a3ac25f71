package tokenizer

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCorpusParity compares both tokenizers with HF on every corpus line: tokens, ids,
// offsets, word ids, special-token masks and decoding.
func TestCorpusParity(t *testing.T) {
	refs := readJSONL[singleRef](t, "corpus.jsonl.gz")
	require.GreaterOrEqual(t, len(refs), 2000)
	slow, err := New(Options{})
	require.NoError(t, err)
	fast, err := NewFast(Options{})
	require.NoError(t, err)
	ty := newTally(t)
	defer ty.report()
	for _, r := range refs {
		st := slow.Tokenize(r.Text)
		ty.check("slow tokens", equalStrings(st, r.Slow.Tokens), "%q: got %q want %q", r.Text, st, r.Slow.Tokens)
		se, err := slow.Encode(r.Text)
		require.NoError(t, err)
		ty.check("slow ids", reflect.DeepEqual(se.IDs, r.Slow.IDs), "%q: got %v want %v", r.Text, se.IDs, r.Slow.IDs)
		d := slow.Decode(r.Slow.IDs, DecodeOptions{})
		ty.check("slow decode", d == r.Slow.Decode, "%q: got %q want %q", r.Text, d, r.Slow.Decode)
		d = slow.Decode(r.Slow.IDs, DecodeOptions{SkipSpecialTokens: true})
		ty.check("slow decode skip", d == r.Slow.DecodeSkip, "%q: got %q want %q", r.Text, d, r.Slow.DecodeSkip)

		ft := fast.Tokenize(r.Text)
		ty.check("fast tokens", equalStrings(ft, r.Fast.Tokens), "%q: got %q want %q", r.Text, ft, r.Fast.Tokens)
		fe, err := fast.Encode(r.Text)
		require.NoError(t, err)
		ty.check("fast ids", reflect.DeepEqual(fe.IDs, r.Fast.IDs), "%q: got %v want %v", r.Text, fe.IDs, r.Fast.IDs)
		ty.check("fast offsets (runes)", reflect.DeepEqual(charOffsets(fe.CharOffsets), r.Fast.Offsets), "%q: got %v want %v", r.Text, fe.CharOffsets, r.Fast.Offsets)
		ty.check("fast offsets (bytes)", reflect.DeepEqual(byteToCharOffsets(r.Text, fe.Offsets), r.Fast.Offsets), "%q: got %v want %v", r.Text, fe.Offsets, r.Fast.Offsets)
		ty.check("fast word ids", reflect.DeepEqual(fe.WordIDs, optInts(r.Fast.Words)), "%q: got %v want %v", r.Text, fe.WordIDs, r.Fast.Words)
		ty.check("fast special mask", reflect.DeepEqual(fe.SpecialTokensMask, r.Fast.Special), "%q", r.Text)
		d = fast.Decode(r.Fast.IDs, DecodeOptions{})
		ty.check("fast decode", d == r.Fast.Decode, "%q: got %q want %q", r.Text, d, r.Fast.Decode)
		d = fast.Decode(r.Fast.IDs, DecodeOptions{SkipSpecialTokens: true})
		ty.check("fast decode skip", d == r.Fast.DecodeSkip, "%q: got %q want %q", r.Text, d, r.Fast.DecodeSkip)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
