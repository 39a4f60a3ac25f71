package scenes

import (
	"bytes"
	"testing"

	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/stretchr/testify/require"
)

// snapshot renders everything a seed decides: objects, questions and TSV bytes.
func snapshot(t *testing.T, seed uint64, n int) ([]*Scene, [][]Question, []byte) {
	ss, err := Generate(seed, n, Options{FeatDim: 32})
	require.NoError(t, err)
	var qs [][]Question
	var tsv bytes.Buffer
	for _, s := range ss {
		qs = append(qs, Questions(s, streamRNG(seed, purposeQuestions, uint64(s.Index)), 8))
		require.NoError(t, features.WriteTSV(&tsv, s.Image()))
	}
	return ss, qs, tsv.Bytes()
}

func TestDeterministic(t *testing.T) {
	a, qa, ta := snapshot(t, 7, 30)
	b, qb, tb := snapshot(t, 7, 30)
	for i := range a {
		require.Equal(t, a[i].ID, b[i].ID)
		require.Equal(t, a[i].Objects, b[i].Objects)
		require.Equal(t, a[i].Image(), b[i].Image())
		require.Equal(t, a[i].Image(), a[i].Image(), "Image is repeatable")
	}
	require.Equal(t, qa, qb)
	require.Equal(t, ta, tb)

	c, qc, tc := snapshot(t, 8, 30)
	require.Equal(t, a[0].ID, c[0].ID, "ids depend on the index only")
	require.NotEqual(t, a[0].Objects, c[0].Objects)
	require.NotEqual(t, qa, qc)
	require.NotEqual(t, ta, tc)
}

func TestPrefixStable(t *testing.T) {
	// Scene i does not depend on how many scenes are generated.
	few, err := Generate(3, 5, Options{})
	require.NoError(t, err)
	many, err := Generate(3, 50, Options{})
	require.NoError(t, err)
	for i := range few {
		require.Equal(t, few[i].Objects, many[i].Objects)
	}
	require.Equal(t, "synth_000049", many[49].ID)
}

func TestCodebookSharedAcrossSeeds(t *testing.T) {
	a, err := Generate(1, 1, Options{FeatDim: 64})
	require.NoError(t, err)
	b, err := Generate(2, 1, Options{FeatDim: 64})
	require.NoError(t, err)
	require.Equal(t, a[0].Codebook(), b[0].Codebook())
	c, err := Generate(1, 1, Options{FeatDim: 64, CodebookSeed: 99})
	require.NoError(t, err)
	require.NotEqual(t, a[0].Codebook(), c[0].Codebook())
}

func TestScenesWellFormed(t *testing.T) {
	ss, err := Generate(11, 300, Options{FeatDim: 8})
	require.NoError(t, err)
	sizes := map[int]int{}
	for _, s := range ss {
		sizes[len(s.Objects)]++
		require.GreaterOrEqual(t, len(s.Objects), DefaultMinObjects)
		require.LessOrEqual(t, len(s.Objects), DefaultMaxObjects)
		for i, o := range s.Objects {
			require.GreaterOrEqual(t, o.Box[0], 0.0)
			require.GreaterOrEqual(t, o.Box[1], 0.0)
			require.LessOrEqual(t, o.Box[2], float64(s.Width))
			require.LessOrEqual(t, o.Box[3], float64(s.Height))
			for j := range i {
				require.Less(t, iou(o.Box, s.Objects[j].Box), maxIoU, "%s objects %d and %d", s.ID, i, j)
			}
			if o.Values[Size] == 1 {
				require.Greater(t, o.Box[2]-o.Box[0], smallMax*float64(s.Height), "large boxes are bigger")
			}
		}
	}
	require.Len(t, sizes, DefaultMaxObjects-DefaultMinObjects+1, "every object count occurs")
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []Options{{MinObjects: 5, MaxObjects: 4}, {MaxObjects: 11}, {FeatDim: 3}, {Width: 10}, {Noise: 1e9}} {
		_, err := Generate(1, 1, o)
		require.Error(t, err, "%+v", o)
	}
	_, err := Generate(1, -1, Options{})
	require.Error(t, err)
	ss, _ := Generate(1, 1, Options{})
	_, err = QuestionsMix(ss[0], streamRNG(1, 2, 3), 5, Mix{"colour": 1})
	require.ErrorContains(t, err, "unknown question type")
	_, err = QuestionsMix(ss[0], streamRNG(1, 2, 3), 5, Mix{TypeCount: 0})
	require.Error(t, err)
}

func TestQuestionsNeedAScene(t *testing.T) {
	_, err := QuestionsMix(nil, streamRNG(1, 2, 3), 5, nil)
	require.Error(t, err)
	require.Empty(t, Questions(&Scene{}, streamRNG(1, 2, 3), 5))
}
