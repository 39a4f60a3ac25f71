package scenes

import (
	"strconv"
	"strings"
	"testing"

	"github.com/lxmert-go/golxmert/tokenizer"
	"github.com/stretchr/testify/require"
)

func TestBalanceAndVocabulary(t *testing.T) {
	tok, err := tokenizer.NewFast(tokenizer.Options{})
	require.NoError(t, err)
	vocab := map[string]bool{}
	for _, a := range Answers() {
		vocab[a] = true
	}
	require.Len(t, vocab, len(Answers()), "answers are distinct")

	ss, err := Generate(5, 500, Options{FeatDim: 8})
	require.NoError(t, err)
	byType := map[Type]int{}
	yes, no := map[Type]int{}, map[Type]int{}
	counts := map[string]int{}
	longest := 0
	total := 0
	for _, s := range ss {
		qs := Questions(s, streamRNG(5, purposeQuestions, uint64(s.Index)), 10)
		require.Len(t, qs, 10, s.ID)
		for _, q := range qs {
			total++
			byType[q.Type]++
			require.True(t, vocab[q.Answer], "answer %q of %q", q.Answer, q.Text)
			require.Equal(t, s.ID, q.ImageID)
			require.True(t, strings.HasPrefix(q.ID, s.ID+"_q"))
			require.LessOrEqual(t, len(strings.Fields(q.Text)), 16, q.Text)
			enc, err := tok.Encode(q.Text)
			require.NoError(t, err)
			longest = max(longest, len(enc.IDs))
			require.NotContains(t, enc.IDs, 100, "no [UNK] in %q", q.Text) // 100 is [UNK]
			switch q.Answer {
			case "yes":
				yes[q.Type]++
			case "no":
				no[q.Type]++
			}
			if q.Type == TypeCount {
				counts[q.Answer]++
			}
		}
	}
	require.LessOrEqual(t, longest, 20, "tokens with [CLS] and [SEP]")
	t.Logf("types %v, yes %v, no %v, counts %v, longest %d tokens", byType, yes, no, counts, longest)
	for _, ty := range Types() {
		share := float64(byType[ty]) / float64(total)
		require.InDelta(t, 0.2, share, 0.04, "share of %s questions", ty)
		if n := yes[ty] + no[ty]; n > 0 {
			require.InDelta(t, 0.5, float64(yes[ty])/float64(n), 0.1, "yes share of %s", ty)
		}
	}
	for _, ty := range []Type{TypeExist, TypeSpatial, TypeCompare} {
		require.Greater(t, yes[ty]+no[ty], 100, ty)
	}
	big := 0
	for c := 5; c <= MaxCount; c++ {
		big += counts[strconv.Itoa(c)]
	}
	require.Greater(t, big, byType[TypeCount]/4, "counts of 5 or more are common")
}

func TestMixWeighsTypes(t *testing.T) {
	ss, err := Generate(9, 50, Options{FeatDim: 8})
	require.NoError(t, err)
	for _, s := range ss {
		qs, err := QuestionsMix(s, streamRNG(9, purposeQuestions, uint64(s.Index)), 6, Mix{TypeCount: 1, TypeSpatial: 1})
		require.NoError(t, err)
		for _, q := range qs {
			require.Contains(t, []Type{TypeCount, TypeSpatial}, q.Type)
		}
	}
}
