package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every command: --help prints its flags to stdout and exits 0; an unknown flag exits 2 with
// one line on stderr pointing to --help; a missing required flag is named.
func TestCLIConventions(t *testing.T) {
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, 0, run([]string{name, "--help"}, &stdout, &stderr))
			require.Contains(t, stdout.String(), "usage: lxmert "+name)
			require.Empty(t, stderr.String())
			stdout.Reset()
			require.Equal(t, 2, run([]string{name, "--no-such-flag"}, &stdout, &stderr))
			require.Equal(t, 1, strings.Count(stderr.String(), "\n"), "%q", stderr.String())
			require.Contains(t, stderr.String(), "(run 'lxmert "+name+" --help')")
		})
	}
	for args, want := range map[string]string{
		"forward --model m":                "missing --inputs, --out",
		"explain --features f":             "missing --image-id, --question, --out",
		"convert --to x":                   "missing --from",
		"answer --image-id x --question q": "missing --features",
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 2, run(strings.Fields(args), &stdout, &stderr), args)
		require.Contains(t, stderr.String(), want, args)
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 2, run(nil, &stdout, &stderr))
	require.Equal(t, 0, run([]string{"--help"}, &stdout, &stderr))
	require.Contains(t, stdout.String(), "commands:")
}
