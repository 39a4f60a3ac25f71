package train

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBadDataWritesNothing: each kind of bad input is reported with the file and the record
// or line at fault, before anything is written: --out is not even created.
func TestBadDataWritesNothing(t *testing.T) {
	d := writeScenes(t, 3, 4, 2, "bad")
	model := tinyModel(t, 28, nil)
	img := "bad_000001"
	good := `{"question_id": 1, "img_id": "` + img + `", "sent": "is there a cube?", "label": {"yes": 1}}`
	jsonl := func(lines ...string) string {
		s := ""
		for _, l := range lines {
			s += l + "\n"
		}
		return s
	}
	noConfig := t.TempDir()
	wide := tinyModel(t, 28, map[string]any{"visual_feat_dim": 48})
	for _, tc := range []struct {
		name, data string // data: JSON-lines content ("" keeps the generated questions)
		edit       func(o *Options)
		want       []string // substrings of the error; DATA stands for the data file
	}{
		{name: "unknown img_id", data: jsonl(good, `{"question_id": 2, "img_id": "nope", "sent": "is it?", "label": {"no": 1}}`),
			want: []string{"DATA line 2", `img_id "nope" is not in`, d.Features}},
		{name: "empty question", data: jsonl(good, good, `{"question_id": 3, "img_id": "`+img+`", "sent": "  ", "label": {"no": 1}}`),
			want: []string{"DATA line 3", "empty question"}},
		{name: "malformed JSON line", data: jsonl(good, good, good, `{"question_id": 4, "img_id": `),
			want: []string{"DATA line 4", "malformed JSON"}},
		{name: "label not a map of numbers", data: jsonl(`{"question_id": 5, "img_id": "` + img + `", "sent": "how many?", "label": {"yes": "a lot"}}`),
			want: []string{"DATA line 1", "label must be an answer string or a map of answer to score", `{"yes": "a lot"}`}},
		{name: "negative score", data: jsonl(good, `{"question_id": 6, "img_id": "`+img+`", "sent": "how many?", "label": {"2": -0.3}}`),
			want: []string{"DATA line 2", `label score of "2" is -0.3`}},
		{name: "mixed label kinds", data: jsonl(good, `{"question_id": 7, "img_id": "`+img+`", "sent": "how many?", "label": "2"}`),
			want: []string{"DATA line 2", "the label is a single answer but in DATA line 1 it is a map of answer scores"}},
		{name: "no known answer", data: jsonl(`{"question_id": 8, "img_id": "` + img + `", "sent": "what?", "label": {"giraffe": 1}}`),
			want: []string{"DATA: none of its 1 examples has an answer in the answer set (28 answers: small, large"}},
		{name: "features missing", edit: func(o *Options) { o.Features = filepath.Join(t.TempDir(), "nope.tsv") },
			want: []string{"nope.tsv", "no such file"}},
		{name: "features of another size", edit: func(o *Options) { o.Model = wide },
			want: []string{d.Features, "features of size 32 but the model's visual_feat_dim is 48"}},
		{name: "model without config.json", edit: func(o *Options) { o.Model = noConfig },
			want: []string{noConfig, "config.json"}},
		{name: "missing options", edit: func(o *Options) { o.Data, o.Features = "", "" },
			want: []string{"missing --data, --features"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Options{Model: model, Data: d.Questions, Features: d.Features, Answers: d.Answers,
				Out: filepath.Join(t.TempDir(), "out"), MaxSteps: 1, BatchSize: 2}
			if tc.data != "" {
				o.Data = writeFile(t, "data.jsonl", tc.data)
			}
			if tc.edit != nil {
				tc.edit(&o)
			}
			_, err := Run(context.Background(), o)
			require.Error(t, err)
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "DATA", o.Data)
				require.ErrorContains(t, err, w)
			}
			_, statErr := os.Stat(o.Out)
			require.True(t, os.IsNotExist(statErr), "%s was created", o.Out)
		})
	}
}
