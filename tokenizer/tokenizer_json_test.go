package tokenizer

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func readGz(t *testing.T, name string) []byte {
	f, err := os.Open(fixtureDir + name)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return b
}

// TestTokenizerJSONRoundTrip loads HF's tokenizer.json and writes back the same bytes.
func TestTokenizerJSONRoundTrip(t *testing.T) {
	want := readGz(t, "tokenizer.json.gz")
	dir := t.TempDir()
	path := filepath.Join(dir, "tokenizer.json")
	require.NoError(t, os.WriteFile(path, want, 0o644))
	tk, err := LoadTokenizerJSON(path)
	require.NoError(t, err)
	require.Equal(t, 30522, tk.Vocab().Size())
	got, err := tk.MarshalTokenizerJSON()
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
	def, err := NewFast(Options{})
	require.NoError(t, err)
	got, err = def.MarshalTokenizerJSON()
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

func TestTokenizerJSONErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, body, msg string }{
		{"not json", "{", "parse"},
		{"bpe", `{"model":{"type":"BPE"}}`, "WordPiece"},
		{"gap in ids", `{"model":{"type":"WordPiece","continuing_subword_prefix":"##","vocab":{"a":0,"b":2}},"normalizer":{"type":"BertNormalizer","clean_text":true},"pre_tokenizer":{"type":"BertPreTokenizer"}}`, "ids must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, "t.json")
			require.NoError(t, os.WriteFile(p, []byte(tc.body), 0o644))
			_, err := LoadTokenizerJSON(p)
			require.ErrorContains(t, err, tc.msg)
			require.ErrorContains(t, err, p)
		})
	}
	_, err := LoadTokenizerJSON(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
}
