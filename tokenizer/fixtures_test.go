package tokenizer

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readJSONL decodes every line of a (possibly gzipped) JSONL fixture into T.
func readJSONL[T any](t testing.TB, name string) []T {
	f, err := os.Open(fixtureDir + name)
	require.NoError(t, err)
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		require.NoError(t, err)
		r = zr
	}
	var out []T
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		var v T
		require.NoError(t, json.Unmarshal(sc.Bytes(), &v), "%s line %d", name, line)
		out = append(out, v)
	}
	require.NoError(t, sc.Err())
	return out
}

// singleRef is one corpus line and HF's outputs for it (tests/gen_tokenizer.py single_ref).
type singleRef struct {
	Text string `json:"text"`
	Slow struct {
		Tokens     []string `json:"tokens"`
		IDs        []int    `json:"ids"`
		Decode     string   `json:"decode"`
		DecodeSkip string   `json:"decode_skip"`
	} `json:"slow"`
	Fast struct {
		Tokens     []string `json:"tokens"`
		IDs        []int    `json:"ids"`
		Offsets    [][2]int `json:"offsets"`
		Words      []*int   `json:"words"`
		Special    []int    `json:"special"`
		Decode     string   `json:"decode"`
		DecodeSkip string   `json:"decode_skip"`
	} `json:"fast"`
}

func charOffsets(o []Offset) [][2]int {
	out := make([][2]int, len(o))
	for i, x := range o {
		out[i] = [2]int{x.Start, x.End}
	}
	return out
}

func optInts(p []*int) []int {
	out := make([]int, len(p))
	for i, x := range p {
		out[i] = -1
		if x != nil {
			out[i] = *x
		}
	}
	return out
}

// byteToCharOffsets converts byte offsets into text to rune offsets, to check Offsets.
func byteToCharOffsets(text string, o []Offset) [][2]int {
	idx := make(map[int]int, len(text)+1)
	n := 0
	for i := range text {
		idx[i] = n
		n++
	}
	idx[len(text)] = n
	out := make([][2]int, len(o))
	for i, x := range o {
		if x == (Offset{}) {
			continue
		}
		out[i] = [2]int{idx[x.Start], idx[x.End]}
	}
	return out
}

// tally counts agreements per compared field so a failure reports parity figures.
type tally struct {
	total, bad map[string]int
	t          *testing.T
}

func newTally(t *testing.T) *tally { return &tally{map[string]int{}, map[string]int{}, t} }

func (ty *tally) check(field string, ok bool, format string, args ...any) {
	ty.total[field]++
	if !ok {
		ty.bad[field]++
		if ty.bad[field] <= 3 {
			ty.t.Errorf(field+": "+format, args...)
		}
	}
}

func (ty *tally) report() {
	for f, n := range ty.total {
		ty.t.Logf("%-28s %5d compared, %5d identical (%.2f%%)", f, n, n-ty.bad[f], 100*float64(n-ty.bad[f])/float64(n))
	}
}
