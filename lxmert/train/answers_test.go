package train

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

const (
	headW = "answer_head.logit_fc.3.weight"
	headB = "answer_head.logit_fc.3.bias"
)

// modelWithAnswers saves a tiny QA model whose answers are names, with a random answer
// head (non-zero biases, so that copied rows cannot pass for fresh ones).
func modelWithAnswers(t *testing.T, names []string) string {
	rng := rand.New(rand.NewPCG(1, 2))
	return modelWithHead(t, names, func(_ string, v []float32) {
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
	})
}

// modelWithHead saves a tiny QA model whose answers are names; fill sets the answer head's
// weight and bias (by tensor name).
func modelWithHead(t *testing.T, names []string, fill func(tensor string, v []float32)) string {
	id2label := map[string]string{}
	for i, n := range names {
		id2label[strconv.Itoa(i)] = n
	}
	c, err := lxmert.LoadConfig(tinyModel(t, len(names), map[string]any{"id2label": id2label}))
	require.NoError(t, err)
	m, err := lxmert.NewLxmertForQuestionAnswering(c)
	require.NoError(t, err)
	defer m.Close()
	sd, err := m.StateDict()
	require.NoError(t, err)
	for _, name := range []string{headW, headB} {
		h, _ := sd.Get(name)
		v := make([]float32, h.NumElements())
		fill(name, v)
		r, err := weights.FromFloat32(name, h.Shape, v)
		require.NoError(t, err)
		sd.Set(r)
	}
	require.NoError(t, m.LoadStateDict(sd))
	dir := t.TempDir()
	require.NoError(t, m.SavePretrained(dir))
	return dir
}

// headRows returns the answer head's rows and biases by answer name, from a saved model.
func headRows(t *testing.T, dir string) (map[string][]float32, map[string]float32) {
	c, err := lxmert.LoadConfig(dir)
	require.NoError(t, err)
	sd, _, err := weights.ReadSafetensors(filepath.Join(dir, "model.safetensors"))
	require.NoError(t, err)
	w, _ := sd.Get(headW)
	b, _ := sd.Get(headB)
	wv, err := w.Float32()
	require.NoError(t, err)
	bv, err := b.Float32()
	require.NoError(t, err)
	require.Len(t, c.ID2Label, len(bv), "id2label has one answer per row")
	in := int(w.Shape[1])
	rows, bias := map[string][]float32{}, map[string]float32{}
	for k, name := range c.ID2Label {
		i, err := strconv.Atoi(k)
		require.NoError(t, err)
		rows[name], bias[name] = wv[i*in:(i+1)*in], bv[i]
	}
	return rows, bias
}

// TestAnswerRemap: --answers gives the head the new answer set: rows of answers the model
// knew are copied (by name, wherever they were), the others are fresh (bias 0, small
// weights), and the saved config.json lists the new answers; the answer file may be a
// label2ans list or the original LXMERT ans2label map.
func TestAnswerRemap(t *testing.T) {
	old := []string{"yes", "no", "red", "blue", "cat"}
	want := []string{"blue", "dog", "yes", "green", "2", "cube"} // one more than the model has
	model := modelWithAnswers(t, old)
	oldRows, oldBias := headRows(t, model)
	ans2label := map[string]int{}
	for i, n := range want {
		ans2label[n] = i
	}
	asMap, _ := json.Marshal(ans2label)
	d := writeScenes(t, 4, 10, 5, "remap")
	for name, answers := range map[string]string{
		"label2ans list": writeFile(t, "label2ans.json", labelsJSON(want...)),
		"ans2label map":  writeFile(t, "ans2label.json", string(asMap)),
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			// One step with warm-up: its learning rate is 0, so the saved head is the
			// remapped one, unchanged by training.
			res, err := Run(context.Background(), Options{Model: model, Data: d.Questions, Features: d.Features,
				Answers: answers, Out: out, MaxSteps: 1, BatchSize: 4})
			require.NoError(t, err)
			require.Contains(t, res.Note, "6 answers, 2 rows kept from the model")

			c, err := lxmert.LoadConfig(out)
			require.NoError(t, err)
			require.Equal(t, 6, c.NumQALabels)
			for i, n := range want {
				require.Equal(t, n, c.ID2Label[strconv.Itoa(i)], "id2label[%d]", i)
			}
			rows, bias := headRows(t, out)
			for _, n := range want {
				if oldRow, ok := oldRows[n]; ok {
					require.Equal(t, oldRow, rows[n], "row of %q copied", n)
					require.Equal(t, oldBias[n], bias[n], "bias of %q copied", n)
					continue
				}
				require.Zero(t, bias[n], "fresh bias of %q", n)
				nonZero := 0
				for _, v := range rows[n] {
					require.Less(t, abs32(v), float32(0.2), "fresh row of %q: N(0, 0.02)", n)
					if v != 0 {
						nonZero++
					}
				}
				require.Equal(t, len(rows[n]), nonZero, "fresh row of %q is initialised", n)
			}
		})
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
