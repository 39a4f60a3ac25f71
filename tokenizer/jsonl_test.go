package tokenizer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTokenizeJSONL checks the CLI's line format against the corpus references, and that
// malformed lines give error lines rather than a crash.
func TestTokenizeJSONL(t *testing.T) {
	refs := readJSONL[singleRef](t, "corpus.jsonl.gz")
	var in bytes.Buffer
	for _, r := range refs {
		b, err := json.Marshal(map[string]string{"text": r.Text})
		require.NoError(t, err)
		in.Write(append(b, '\n'))
	}
	for _, fast := range []bool{false, true} {
		t.Run(map[bool]string{false: "slow", true: "fast"}[fast], func(t *testing.T) {
			var tk Tokenizer
			var err error
			if fast {
				tk, err = NewFast(Options{})
			} else {
				tk, err = New(Options{})
			}
			require.NoError(t, err)
			var out bytes.Buffer
			require.NoError(t, TokenizeJSONL(bytes.NewReader(in.Bytes()), &out, tk, fast))
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.Len(t, lines, len(refs))
			for i, l := range lines {
				var got jsonlOut
				require.NoError(t, json.Unmarshal([]byte(l), &got))
				want := refs[i].Slow.Tokens
				ids := refs[i].Slow.IDs
				if fast {
					want, ids = refs[i].Fast.Tokens, refs[i].Fast.IDs
					require.Equal(t, refs[i].Fast.Offsets, got.Offsets, "line %d", i+1)
				}
				require.Equal(t, want, got.Tokens, "line %d", i+1)
				require.Equal(t, ids, got.InputIDs, "line %d", i+1)
			}
		})
	}
}

func TestTokenizeJSONLMalformed(t *testing.T) {
	tk, err := NewFast(Options{})
	require.NoError(t, err)
	in := "{\"text\": \"ok\"}\nnot json\n{\"txt\": 1}\n{\"text\": 5}\n\n{\"text\": \"\\u0000\\ud800x\"}"
	var out bytes.Buffer
	err = TokenizeJSONL(strings.NewReader(in), &out, tk, true)
	require.ErrorContains(t, err, "4 malformed input line(s), the first at line 2")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 6)
	for i, want := range []string{`"input_ids":[101,7929,102]`, `"line":2`, `"line":3`, `"line":4`, `"line":5`, `"input_ids":[101,1060,102]`} {
		require.Contains(t, lines[i], want)
	}
}
