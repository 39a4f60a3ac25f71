package tokenizer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVocab(t *testing.T) {
	v := DefaultVocab()
	require.Equal(t, 30522, v.Size())
	for _, tc := range []struct {
		tok string
		id  int
	}{{"[PAD]", 0}, {"[UNK]", 100}, {"[CLS]", 101}, {"[SEP]", 102}, {"[MASK]", 103}, {"the", 1996}, {"##～", 30521}} {
		t.Run(tc.tok, func(t *testing.T) {
			id, ok := v.ID(tc.tok)
			require.True(t, ok)
			require.Equal(t, tc.id, id)
			tok, ok := v.Token(tc.id)
			require.True(t, ok)
			require.Equal(t, tc.tok, tok)
		})
	}
	_, ok := v.Token(30522)
	require.False(t, ok)
	_, ok = v.Token(-1)
	require.False(t, ok)

	path := filepath.Join(t.TempDir(), "vocab.txt")
	require.NoError(t, v.Save(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(defaultVocabText), string(saved))
	back, err := LoadVocab(path)
	require.NoError(t, err)
	require.Equal(t, v.Tokens(), back.Tokens())
}

func TestVocabErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, msg string }{
		{"empty", "", "empty vocabulary"},
		{"duplicate", "a\nb\na\n", `"a" at id 2 duplicates id 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadVocab(strings.NewReader(tc.text), "v.txt")
			require.ErrorContains(t, err, tc.msg)
			require.ErrorContains(t, err, "v.txt")
		})
	}
	_, err := LoadVocab(filepath.Join(t.TempDir(), "missing.txt"))
	require.ErrorContains(t, err, "missing.txt")
	v, err := ReadVocab(strings.NewReader("a\r\nb"), "crlf")
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, v.Tokens())
	_, err = New(Options{Vocab: v})
	require.ErrorContains(t, err, "[UNK]")
}

func TestConversions(t *testing.T) {
	tk, err := NewFast(Options{AdditionalSpecialTokens: []string{"[OBJ]"}})
	require.NoError(t, err)
	require.Equal(t, 30523, tk.VocabSize())
	require.Equal(t, []int{1996, 100, 30522}, tk.ConvertTokensToIDs([]string{"the", "no-such-token", "[OBJ]"}))
	toks, err := tk.ConvertIDsToTokens([]int{101, 30522, 102})
	require.NoError(t, err)
	require.Equal(t, []string{"[CLS]", "[OBJ]", "[SEP]"}, toks)
	_, err = tk.ConvertIDsToTokens([]int{1, 30523})
	require.ErrorContains(t, err, "id 30523 at position 1")
	require.Equal(t, []string{"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]", "[OBJ]"}, tk.SpecialTokens())
}

func TestPretrainedRoundTrip(t *testing.T) {
	o := Options{DoLowerCase: Bool(false), AdditionalSpecialTokens: []string{"[OBJ]"}, ModelMaxLength: 20}
	slow, err := New(o)
	require.NoError(t, err)
	fast, err := NewFast(o)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, slow.SavePretrained(filepath.Join(dir, "slow")))
	require.NoError(t, fast.SavePretrained(filepath.Join(dir, "fast")))
	slow2, err := FromPretrained(filepath.Join(dir, "slow"))
	require.NoError(t, err)
	fast2, err := FastFromPretrained(filepath.Join(dir, "fast"))
	require.NoError(t, err)
	text := "Is the [OBJ] on the Table?"
	require.Equal(t, []string{"[UNK]", "the", "[OBJ]", "on", "the", "[UNK]", "?"}, slow2.Tokenize(text))
	require.Equal(t, slow.Tokenize(text), slow2.Tokenize(text))
	require.Equal(t, fast.Tokenize(text), fast2.Tokenize(text))
	e, err := fast2.EncodeWith(Input{Text: text}, EncodeOptions{Padding: PadMaxLength})
	require.NoError(t, err)
	require.Len(t, e.IDs, 20)
	_, err = FromPretrained(filepath.Join(dir, "none"))
	require.ErrorContains(t, err, "vocab.txt")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "slow", "tokenizer_config.json"), []byte("{"), 0o644))
	_, err = FromPretrained(filepath.Join(dir, "slow"))
	require.ErrorContains(t, err, "tokenizer_config.json")
}

func TestEncodeErrors(t *testing.T) {
	fast, err := NewFast(Options{})
	require.NoError(t, err)
	slow, err := New(Options{})
	require.NoError(t, err)
	long := strings.Repeat("word ", 40)
	for _, tc := range []struct {
		name string
		tk   Tokenizer
		in   Input
		o    EncodeOptions
		msg  string
	}{
		{"stride too big", fast, Input{Text: long}, EncodeOptions{Truncation: LongestFirst, MaxLength: 10, Stride: 8, ReturnOverflowing: true}, "stride 8"},
		{"no room", fast, Input{Text: long}, EncodeOptions{Truncation: LongestFirst, MaxLength: 1}, "no room"},
		{"too short", fast, Input{Text: "a", Pair: long, IsPair: true}, EncodeOptions{Truncation: OnlyFirst, MaxLength: 10}, "shorter"},
		{"pair overflow", slow, Input{Text: long, Pair: long, IsPair: true}, EncodeOptions{Truncation: LongestFirst, MaxLength: 10, ReturnOverflowing: true}, "longest_first"},
		{"bad strategy", slow, Input{Text: "a"}, EncodeOptions{Truncation: 9}, "unknown truncation"},
		{"huge padding", slow, Input{Text: "a"}, EncodeOptions{Padding: PadMaxLength, MaxLength: 1 << 30}, "refusing to pad"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.tk.EncodeWith(tc.in, tc.o)
			require.ErrorContains(t, err, tc.msg)
			_, err = tc.tk.EncodeBatch([]Input{tc.in}, tc.o)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}
