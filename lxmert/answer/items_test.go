package answer_test

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// close reports whether got is within the parity tolerance of ref.
func close(got, ref float64) bool { return math.Abs(got-ref) <= 1e-5+1e-4*math.Abs(ref) }

// AskItems gives each item its own number of answers, and the answers Ask gives alone,
// although the images have different region counts (padding and masks).
func TestAskItems(t *testing.T) {
	a, err := demo.Answerer(answer.Options{})
	require.NoError(t, err)
	defer a.Close()
	require.Equal(t, 5, a.TopK())
	require.Equal(t, 28, a.NumLabels())
	require.Equal(t, 2048, a.FeatDim())
	ss, err := scenes.Generate(3, 4, scenes.Options{FeatDim: a.FeatDim()})
	require.NoError(t, err)
	qs := []string{"how many spheres are there?", "is there a red cube?", "what color is the large cylinder?", "how many objects are there?"}
	items := make([]answer.Item, len(ss))
	for i, s := range ss {
		items[i] = answer.Item{Image: s.Image(), Question: qs[i], TopK: []int{1, 0, 28, 100}[i]}
	}
	boxes := map[int]bool{}
	for _, it := range items {
		boxes[it.Image.NumBoxes] = true
	}
	require.Greater(t, len(boxes), 1, "the batch mixes region counts")
	got, err := a.AskItems(context.Background(), items)
	require.NoError(t, err)
	for i, it := range items {
		want, err := a.WithTopK(28).Ask(context.Background(), it.Image, it.Question)
		require.NoError(t, err)
		k := []int{1, 5, 28, 28}[i]
		require.Len(t, got[i].Answers, k, "item %d", i)
		require.Equal(t, it.Image.ID, got[i].ImageID)
		require.Equal(t, it.Question, got[i].Question)
		for r, ans := range got[i].Answers {
			require.True(t, close(ans.Prob, want.Answers[r].Prob), "item %d rank %d: %v vs %v", i, r, ans, want.Answers[r])
		}
		require.Equal(t, want.Answers[0].Answer, got[i].Answers[0].Answer)
	}
	_, err = a.AskItems(context.Background(), []answer.Item{{Image: items[0].Image, Question: "x", TopK: -1}})
	require.ErrorContains(t, err, "negative TopK")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = a.AskItems(ctx, items)
	require.ErrorIs(t, err, context.Canceled)
}

// Check refuses images the model cannot read: no regions, a wrong feature dimension,
// inconsistent slices.
func TestCheck(t *testing.T) {
	a, err := demo.Answerer(answer.Options{})
	require.NoError(t, err)
	defer a.Close()
	good := &features.Image{ID: "g", NumBoxes: 1, FeatDim: 2048, Features: make([]float32, 2048), Boxes: []float32{0, 0, 1, 1}}
	require.NoError(t, a.Check(good))
	for name, tc := range map[string]struct {
		img  *features.Image
		want string
	}{
		"nil":        {nil, "nil image"},
		"no regions": {&features.Image{ID: "e", FeatDim: 2048}, "has no regions"},
		"dim":        {&features.Image{ID: "d", NumBoxes: 1, FeatDim: 3, Features: make([]float32, 3), Boxes: []float32{0, 0, 1, 1}}, "has 3 features per region; the model wants 2048"},
		"slices":     {&features.Image{ID: "s", NumBoxes: 2, FeatDim: 2048, Features: make([]float32, 2048), Boxes: []float32{0, 0, 1, 1}}, "features: have 2048 values"},
	} {
		require.ErrorContains(t, a.Check(tc.img), tc.want, name)
	}
}
