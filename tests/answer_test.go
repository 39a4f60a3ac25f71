package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

type answerRow struct {
	ImageID  string `json:"image_id"`
	Question string `json:"question"`
	Answers  []struct {
		Answer string  `json:"answer"`
		Prob   float64 `json:"prob"`
	} `json:"answers"`
}

// `lxmert answer` on an HF-made QA model gives HF's top-5 answers, probabilities within 1e-5
// (questions tokenized as HF's LXMERT demo, features read from the TSV, boxes normalised).
func TestAnswerMatchesHF(t *testing.T) {
	root := generateTrain(t)
	raw, err := os.ReadFile(filepath.Join(root, "answers_expected.json"))
	require.NoError(t, err)
	var want []answerRow
	require.NoError(t, json.Unmarshal(raw, &want))
	require.NotEmpty(t, want)
	bin := buildCLI(t)
	for _, w := range want {
		out, err := exec.Command(bin, "answer", "--model", filepath.Join(root, "model"), "--features",
			filepath.Join(root, "features.tsv"), "--image-id", w.ImageID, "--question", w.Question,
			"--top-k", "5", "--json").Output()
		require.NoError(t, err, "%s", out)
		var got answerRow
		require.NoError(t, json.Unmarshal(out, &got))
		require.Equal(t, w.ImageID, got.ImageID)
		require.Equal(t, w.Question, got.Question)
		require.Len(t, got.Answers, 5)
		for i := range w.Answers {
			require.Equal(t, w.Answers[i].Answer, got.Answers[i].Answer, "%q rank %d", w.Question, i+1)
			require.InDelta(t, w.Answers[i].Prob, got.Answers[i].Prob, 1e-5, "%q rank %d", w.Question, i+1)
		}
	}
}

// Batch mode answers every good line, reports bad ones by line number, and each batched
// answer equals the single-question answer (images with fewer regions are padded and masked).
func TestAnswerBatchMode(t *testing.T) {
	root := generateTrain(t)
	raw, err := os.ReadFile(filepath.Join(root, "answers_expected.json"))
	require.NoError(t, err)
	var want []answerRow
	require.NoError(t, json.Unmarshal(raw, &want))
	dir := t.TempDir()
	var lines []byte
	for i, w := range want {
		line, _ := json.Marshal(map[string]any{"question_id": i, "image_id": w.ImageID, "question": w.Question})
		lines = append(append(lines, line...), '\n')
	}
	lines = append(lines, []byte("{not json\n{\"question_id\": 9, \"image_id\": \"nope\", \"question\": \"why?\"}\n")...)
	qfile := filepath.Join(dir, "q.jsonl")
	require.NoError(t, os.WriteFile(qfile, lines, 0o644))
	bin := buildCLI(t)
	model, feats := filepath.Join(root, "model"), filepath.Join(root, "features.tsv")
	for _, format := range []string{"jsonl", "vqa"} {
		out := filepath.Join(dir, "answers."+format)
		cmd := exec.Command(bin, "answer", "--model", model, "--features", feats, "--questions", qfile,
			"--out", out, "--batch-size", "2", "--format", format)
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", msg)
		require.Contains(t, string(msg), "line 6: malformed JSON")
		require.Contains(t, string(msg), `line 7: features: unknown image id "nope"`)
		require.Contains(t, string(msg), "answered 5 questions, skipped 2")
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		if format == "vqa" {
			var vqa []map[string]string
			require.NoError(t, json.Unmarshal(got, &vqa))
			require.Len(t, vqa, len(want))
			for i, w := range want {
				require.Equal(t, map[string]string{"question_id": fmt.Sprint(i), "answer": w.Answers[0].Answer}, vqa[i])
			}
			continue
		}
		rows := bytes.Split(bytes.TrimSpace(got), []byte("\n"))
		require.Len(t, rows, len(want))
		for i, w := range want {
			var r answerRow
			require.NoError(t, json.Unmarshal(rows[i], &r))
			require.Equal(t, w.Question, r.Question)
			for k := range w.Answers {
				require.Equal(t, w.Answers[k].Answer, r.Answers[k].Answer)
				require.InDelta(t, w.Answers[k].Prob, r.Answers[k].Prob, 1e-5, "batched %q rank %d", w.Question, k+1)
			}
		}
	}
}

// lxmert explain writes a PNG of the features' image size plus the caption band.
func TestExplainCommand(t *testing.T) {
	root := generateTrain(t)
	bin := buildCLI(t)
	out := filepath.Join(t.TempDir(), "x.png")
	msg, err := exec.Command(bin, "explain", "--model", filepath.Join(root, "model"), "--features",
		filepath.Join(root, "features.tsv"), "--image-id", "img1", "--question", "what color is the cat?", "--out", out).CombinedOutput()
	require.NoError(t, err, "%s", msg)
	f, err := os.Open(out)
	require.NoError(t, err)
	defer f.Close()
	pic, err := png.Decode(f)
	require.NoError(t, err)
	src, err := features.Open(filepath.Join(root, "features.tsv"))
	require.NoError(t, err)
	defer src.Close()
	img, err := src.Image("img1")
	require.NoError(t, err)
	require.Equal(t, img.Width, pic.Bounds().Dx())
	require.Greater(t, pic.Bounds().Dy(), img.Height, "the caption band sits below the picture")
}
