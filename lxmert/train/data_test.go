package train

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadExamples: the original LXMERT JSON list and JSON lines read alike; question and
// image ids may be strings or numbers (kept as written); labels are score maps or single
// answers; blank lines and a UTF-8 byte-order mark are ignored.
func TestReadExamples(t *testing.T) {
	want := []Example{
		{QuestionID: "458752000", ImageID: "COCO_train2014_000000458752", Sent: "What is this?", Scores: map[string]float64{"net": 1, "netting": 0.3}, Type: "what is this"},
		{QuestionID: "q-2", ImageID: "17", Sent: "Is it red?", Scores: map[string]float64{}},
		{QuestionID: "12345678901234567890", ImageID: "img", Sent: "How many?", Scores: map[string]float64{"2": 0.9}},
	}
	records := []string{
		`{"question_id": 458752000, "img_id": "COCO_train2014_000000458752", "sent": "What is this?", "label": {"net": 1, "netting": 0.3}, "question_type": "what is this", "answer_type": "other"}`,
		`{"question_id": "q-2", "img_id": 17, "sent": "Is it red?", "label": {}}`,
		`{"question_id": 12345678901234567890, "img_id": "img", "sent": "How many?", "label": {"2": 0.9}}`,
	}
	list := "[\n" + records[0] + ",\n" + records[1] + ",\n" + records[2] + "\n]\n"
	lines := "\ufeff" + records[0] + "\n\n" + records[1] + "\n" + records[2]
	for name, content := range map[string]string{"list": list, "lines": lines} {
		t.Run(name, func(t *testing.T) {
			got, err := ReadExamples(writeFile(t, "data.json", content))
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i := range want {
				got[i].where = ""
				require.Equal(t, want[i], got[i], "record %d", i)
			}
		})
	}

	gqa := `{"question_id": "201640614", "img_id": "n161313", "sent": "Is it overcast?", "label": "no"}`
	got, err := ReadExamples(writeFile(t, "gqa.jsonl", gqa))
	require.NoError(t, err)
	require.Equal(t, "no", got[0].Answer)
	require.Nil(t, got[0].Scores)

	for _, tc := range []struct{ name, content, want string }{
		{"list record", "[" + records[0] + `, {"img_id": "x", "sent": "a?", "label": {"a": "b"}}]`, "data.json record 1: label must be an answer string or a map"},
		{"malformed list", "[" + records[0] + ",", "data.json: malformed JSON"},
		{"missing img_id", records[0] + "\n" + `{"sent": "a?", "label": "b"}`, "data.json line 2: missing img_id"},
		{"missing label", `{"img_id": "x", "sent": "a?"}`, "data.json line 1: missing label"},
		{"empty answer", `{"img_id": "x", "sent": "a?", "label": ""}`, "data.json line 1: empty answer label"},
		{"empty file", "\n\n", "data.json holds no examples"},
		{"empty list", "[]", "data.json holds no examples"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadExamples(writeFile(t, "data.json", tc.content))
			require.ErrorContains(t, err, tc.want)
		})
	}
}
