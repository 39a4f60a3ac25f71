package scenes

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteDatasetRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	cfg := DatasetConfig{Seed: 3, Scenes: 12, QuestionsPerScene: 6, FeatDim: 16, WritePNG: true}
	st, err := WriteDataset(dir, cfg)
	require.NoError(t, err)
	require.Equal(t, 12, st.Scenes)
	require.Equal(t, 72, st.Questions)
	sum := 0
	for _, ty := range Types() {
		sum += st.ByType[ty]
	}
	require.Equal(t, st.Questions, sum)

	// questions.json: the original LXMERT VQA list, plus question_type.
	var qs []struct {
		QuestionID string             `json:"question_id"`
		ImgID      string             `json:"img_id"`
		Sent       string             `json:"sent"`
		Label      map[string]float64 `json:"label"`
		Type       Type               `json:"question_type"`
	}
	readJSON(t, filepath.Join(dir, QuestionsFile), &qs)
	require.Len(t, qs, st.Questions)
	var l2a []string
	readJSON(t, filepath.Join(dir, Label2AnsFile), &l2a)
	require.Equal(t, Answers(), l2a)
	var a2l map[string]int
	readJSON(t, filepath.Join(dir, Ans2LabelFile), &a2l)
	require.Len(t, a2l, len(l2a))
	for _, q := range qs {
		require.Len(t, q.Label, 1)
		for a, score := range q.Label {
			require.Equal(t, 1.0, score)
			require.Equal(t, a, l2a[a2l[a]])
		}
		require.NotEmpty(t, q.Sent)
		require.Contains(t, Types(), q.Type)
	}

	// features.tsv: one line per scene, ten fields, base64 arrays of the right lengths.
	f, err := os.Open(filepath.Join(dir, FeaturesFile))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	lines := 0
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		require.Len(t, fields, 10)
		require.Equal(t, "synth_"+leftPad(lines), fields[0])
		require.Equal(t, "320", fields[1])
		require.Equal(t, "480", fields[2])
		n, err := strconv.Atoi(fields[7])
		require.NoError(t, err)
		boxes := b64f32(t, fields[8])
		require.Len(t, boxes, 4*n)
		require.LessOrEqual(t, boxes[2], float32(480), "pixel boxes")
		require.Len(t, b64f32(t, fields[9]), 16*n)
		lines++
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 12, lines)

	pngs, err := filepath.Glob(filepath.Join(dir, ImagesDir, "*.png"))
	require.NoError(t, err)
	require.Len(t, pngs, 12)
	tmp, err := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	require.NoError(t, err)
	require.Empty(t, tmp, "no temporary files left")

	// Same config, same bytes.
	dir2 := filepath.Join(t.TempDir(), "again")
	_, err = WriteDataset(dir2, cfg)
	require.NoError(t, err)
	for _, name := range []string{FeaturesFile, QuestionsFile} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		require.Equal(t, a, b, name)
	}
}

func TestWriteDatasetErrors(t *testing.T) {
	_, err := WriteDataset(t.TempDir(), DatasetConfig{Scenes: 0, QuestionsPerScene: 3})
	require.Error(t, err)
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = WriteDataset(file, DatasetConfig{Scenes: 1, QuestionsPerScene: 1, FeatDim: 8})
	require.Error(t, err)
	_, err = WriteDataset(t.TempDir(), DatasetConfig{Scenes: 1, QuestionsPerScene: 1, Mix: Mix{"nope": 1}})
	require.Error(t, err)
}

func leftPad(i int) string { return strings.Repeat("0", 6-len(strconv.Itoa(i))) + strconv.Itoa(i) }

func readJSON(t *testing.T, path string, v any) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, v), path)
}

func b64f32(t *testing.T, s string) []float32 {
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	require.Zero(t, len(b)%4)
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}
