package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// TestAnswerShards: N runs with --shard K/N answer every question of the file exactly once,
// the same as one run, in file order when concatenated, and report each bad line once;
// --shard is checked as a usage error. With --batch-size 1 every forward has the same shape
// in every run, so the outputs are compared byte for byte (identical conditions).
func TestAnswerShards(t *testing.T) {
	data := t.TempDir()
	_, err := scenes.WriteDataset(data, scenes.DatasetConfig{Seed: 5, Scenes: 4, QuestionsPerScene: 5})
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(data, scenes.QuestionsFile))
	require.NoError(t, err)
	var exs []struct {
		QuestionID string `json:"question_id"`
		ImgID      string `json:"img_id"`
		Sent       string `json:"sent"`
	}
	require.NoError(t, json.Unmarshal(raw, &exs))
	var lines []string
	for i, ex := range exs {
		l, _ := json.Marshal(map[string]string{"question_id": ex.QuestionID, "image_id": ex.ImgID, "question": ex.Sent})
		lines = append(lines, string(l))
		if i == 6 || i == 13 {
			lines = append(lines, `{"question_id": "broken"`)
		}
	}
	qfile := filepath.Join(t.TempDir(), "q.jsonl")
	require.NoError(t, os.WriteFile(qfile, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	feats := filepath.Join(data, scenes.FeaturesFile)
	dir := t.TempDir()
	answerFile := func(args ...string) (string, string) {
		out := filepath.Join(dir, fmt.Sprintf("a%d.jsonl", len(args)+len(strings.Join(args, ""))))
		var stdout, stderr bytes.Buffer
		code := run(append([]string{"answer", "--features", feats, "--questions", qfile, "--out", out, "--batch-size", "1", "--threads", "1"}, args...), &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		return string(got), stderr.String()
	}
	whole, msgs := answerFile()
	require.Equal(t, 2, strings.Count(msgs, "malformed JSON"), msgs)
	require.Equal(t, 20, strings.Count(whole, "\n"))
	for _, n := range []int{3, 22} { // 22 > 20 questions: some shards are empty
		var joined string
		bad := 0
		for k := 1; k <= n; k++ {
			got, msgs := answerFile("--shard", fmt.Sprintf("%d/%d", k, n))
			joined += got
			bad += strings.Count(msgs, "malformed JSON")
			if n == 3 {
				require.InDelta(t, 20/3.0, strings.Count(got, "\n"), 1, "shard %d/%d: near-equal slices", k, n)
			}
		}
		require.Equal(t, whole, joined, "%d shards", n)
		require.Equal(t, 2, bad, "each bad line is reported by one shard of %d", n)
	}
	for _, tc := range []struct{ shard, want string }{
		{"0/3", `--shard "0/3" is not K/N with 1 ≤ K ≤ N`}, {"4/3", `--shard "4/3" is not K/N`},
		{"1/3x", `--shard "1/3x" is not K/N`}, {"two", `--shard "two" is not K/N`},
	} {
		var stdout, stderr bytes.Buffer
		code := run([]string{"answer", "--features", feats, "--questions", qfile, "--out", filepath.Join(dir, "x"), "--shard", tc.shard}, &stdout, &stderr)
		require.Equal(t, 2, code)
		require.Contains(t, stderr.String(), tc.want)
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"answer", "--features", feats, "--image-id", exs[0].ImgID, "--question", "what?", "--shard", "1/2"}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "--shard needs batch mode (--questions and --out)")
}
