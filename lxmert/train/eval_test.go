package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEvalAccuracy: evaluation is VQA accuracy over every evaluation example: the
// predicted answer's score in the label, 0 for examples none of whose answers the model
// knows (as the original LXMERT scores them), overall and per question type. The model
// here always answers "yes" (its head is a large bias on it).
func TestEvalAccuracy(t *testing.T) {
	d := writeScenes(t, 8, 2, 5, "ev")
	names := []string{"no", "yes", "red", "2"}
	model := modelWithHead(t, names, func(tensor string, v []float32) {
		if tensor == headB {
			v[1] = 20
		}
	})
	img := `"img_id": "ev_000000", "sent": "is there a cube?", `
	eval := writeFile(t, "eval.jsonl", ""+
		`{"question_id": 1, `+img+`"label": {"yes": 1}, "question_type": "exist"}`+"\n"+
		`{"question_id": 2, `+img+`"label": {"yes": 0.3, "no": 1}, "question_type": "exist"}`+"\n"+
		`{"question_id": 3, `+img+`"label": {"no": 1}, "question_type": "exist"}`+"\n"+
		`{"question_id": 4, `+img+`"label": {"giraffe": 1}, "question_type": "what"}`+"\n"+
		`{"question_id": 5, `+img+`"label": {}, "question_type": "what"}`+"\n")
	// One step with warm-up has learning rate 0: the evaluated model is the one above.
	res, err := Run(context.Background(), Options{Model: model, Data: d.Questions, Features: d.Features, Eval: eval,
		Out: filepath.Join(t.TempDir(), "out"), MaxSteps: 1, BatchSize: 2})
	require.NoError(t, err)
	require.Equal(t, 5, res.Eval.N)
	require.Contains(t, res.Note, "2 of the 5 evaluation examples have no answer in the answer set (they score 0)")
	require.InDelta(t, 1.3/5, res.Eval.Overall, 1e-12)
	require.InDelta(t, 1.3/3, res.Eval.ByType["exist"], 1e-12)
	require.Zero(t, res.Eval.ByType["what"])
	require.Contains(t, res.Eval.ByType, "what")
}
