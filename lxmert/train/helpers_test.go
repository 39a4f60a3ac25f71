package train

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// testFeatDim keeps region features small so that the tests' models are tiny.
const testFeatDim = 32

// sceneData is a generated dataset's files.
type sceneData struct{ Dir, Features, Questions, Answers string }

// writeScenes generates n scenes with q questions each (feature dim 32) into a new folder.
func writeScenes(t testing.TB, seed uint64, n, q int, prefix string) sceneData {
	t.Helper()
	return writeScenesConfig(t, scenes.DatasetConfig{Seed: seed, Scenes: n, QuestionsPerScene: q, IDPrefix: prefix})
}

// writeScenesConfig generates the dataset cfg says (feature dim 32) into a new folder.
func writeScenesConfig(t testing.TB, cfg scenes.DatasetConfig) sceneData {
	t.Helper()
	dir := t.TempDir()
	cfg.FeatDim = testFeatDim
	_, err := scenes.WriteDataset(dir, cfg)
	require.NoError(t, err)
	return sceneData{dir, filepath.Join(dir, scenes.FeaturesFile), filepath.Join(dir, scenes.QuestionsFile), filepath.Join(dir, scenes.Label2AnsFile)}
}

// tinyModel writes a model folder holding only a config.json: a QA model of hidden size 32
// with one layer per encoder, trained from scratch. extra fields override the defaults
// (dropout stays at the config's default 0.1 unless overridden).
func tinyModel(t testing.TB, numLabels int, extra map[string]any) string {
	t.Helper()
	cfg := map[string]any{
		"architectures": []string{"LxmertForQuestionAnswering"}, "vocab_size": 30522, "hidden_size": 32,
		"num_attention_heads": 4, "intermediate_size": 64, "l_layers": 1, "x_layers": 1, "r_layers": 1,
		"visual_feat_dim": testFeatDim, "visual_pos_dim": 4, "num_qa_labels": numLabels,
		"num_object_labels": 2, "num_attr_labels": 2, "max_position_embeddings": 32,
	}
	for k, v := range extra {
		cfg[k] = v
	}
	dir := t.TempDir()
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644))
	return dir
}

// readLog returns the lines of a train_log.jsonl.
func readLog(t testing.TB, path string) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var lines []map[string]any
	for _, l := range bytes.Split(raw, []byte("\n")) {
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(l, &m), "%s: %s", path, l)
		lines = append(lines, m)
	}
	return lines
}

// stepLines keeps the optimizer-step lines (those with a loss).
func stepLines(lines []map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if _, ok := l["loss"]; ok {
			out = append(out, l)
		}
	}
	return out
}

// requireSameParams checks that two safetensors files hold the same tensors within the
// parity tolerance 1e-5 + 1e-4·|ref|.
func requireSameParams(t testing.TB, wantPath, gotPath string) {
	t.Helper()
	want, _, err := weights.ReadSafetensors(wantPath)
	require.NoError(t, err)
	got, _, err := weights.ReadSafetensors(gotPath)
	require.NoError(t, err)
	require.ElementsMatch(t, want.Names, got.Names)
	for _, n := range want.Names {
		w, _ := want.Get(n)
		g, _ := got.Get(n)
		require.Equal(t, w.Shape, g.Shape, n)
		wv, err := w.Float32()
		require.NoError(t, err)
		gv, err := g.Float32()
		require.NoError(t, err)
		for i := range wv {
			d := math.Abs(float64(gv[i]) - float64(wv[i]))
			require.LessOrEqual(t, d, 1e-5+1e-4*math.Abs(float64(wv[i])), "%s[%d]: %g vs %g", n, i, gv[i], wv[i])
		}
	}
}

// writeFile writes content to name in a new temporary folder and returns its path.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// labelsJSON is a label2ans list.
func labelsJSON(names ...string) string {
	raw, _ := json.Marshal(names)
	return string(raw)
}

// concatFiles writes the files' contents, in order, to dst.
func concatFiles(dst string, srcs ...string) error {
	var all []byte
	for _, s := range srcs {
		raw, err := os.ReadFile(s)
		if err != nil {
			return err
		}
		all = append(all, raw...)
	}
	return os.WriteFile(dst, all, 0o644)
}
