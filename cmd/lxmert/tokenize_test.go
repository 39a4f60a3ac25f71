package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunTokenize(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	require.NoError(t, os.WriteFile(in, []byte("{\"text\": \"UNwant\u00e9d,running\"}\n{\"text\": \"a [MASK] b\"}\n"), 0o644))
	for _, tc := range []struct {
		name string
		args []string
		want []string
		err  string
	}{
		{"slow", []string{"--input", in}, []string{`"tokens":["unwanted",",","running"]`, `"input_ids":[101,1037,103,1038,102]`}, ""},
		{"fast", []string{"--input", in, "--fast"}, []string{`"offsets":[[0,0],[0,8],[8,9],[9,16],[0,0]]`, `"tokens":["a","[MASK]","b"]`}, ""},
		{"vocab", []string{"--input", in, "--vocab", "../../tokenizer/vocab.txt"}, []string{`"input_ids":[101,18162,1010,2770,102]`}, ""},
		{"no input", nil, nil, "--input is required"},
		{"missing file", []string{"--input", filepath.Join(dir, "nope")}, nil, "no such file"},
		{"bad vocab", []string{"--input", in, "--vocab", filepath.Join(dir, "nope")}, nil, "no such file"},
		{"both", []string{"--input", in, "--vocab", "x", "--model", "y"}, nil, "not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runTokenize(tc.args, &out, &errOut)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			for _, w := range tc.want {
				require.True(t, strings.Contains(out.String(), w), "%s not in %s", w, out.String())
			}
		})
	}
}
