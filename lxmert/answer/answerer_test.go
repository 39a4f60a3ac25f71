package answer

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Misuse is an error, not a panic: missing parts, a folder without a model, a model without
// answer labels; Close on a nil Answerer is safe.
func TestAnswererMisuse(t *testing.T) {
	_, err := New(nil, nil, nil, Options{})
	require.ErrorContains(t, err, "needs a model")
	var zero *Answerer
	zero.Close()
	_, err = Load(t.TempDir(), Options{})
	require.Error(t, err)
	_, err = Load("../../tests/testdata/parity/tiny-qa", Options{})
	require.ErrorContains(t, err, "has no answer labels")
}
