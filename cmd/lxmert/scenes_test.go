package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestScenesMixFlag(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := run([]string{"scenes", "--out", dir, "--scenes", "30", "--questions-per-scene", "4", "--feat-dim", "8",
		"--mix", "position=1, spatial=1"}, &out, &errb)
	require.Equal(t, 0, code, errb.String())
	require.Contains(t, out.String(), "position")
	raw, err := os.ReadFile(filepath.Join(dir, "questions.json"))
	require.NoError(t, err)
	var qs []struct {
		Type string `json:"question_type"`
	}
	require.NoError(t, json.Unmarshal(raw, &qs))
	seen := map[string]int{}
	for _, q := range qs {
		seen[q.Type]++
	}
	require.Len(t, seen, 2, "types asked: %v", seen)
	require.Positive(t, seen["position"])
	require.Positive(t, seen["spatial"])
}

func TestScenesMixFlagErrors(t *testing.T) {
	for mix, want := range map[string]string{
		"position":   "want type=weight pairs",
		"position=x": `weight "x" of position is not a number`,
		"colour=1":   `unknown question type "colour"`,
		"count=0":    "every type weight 0",
		"spatial=-1": "weight -1 for spatial",
	} {
		var out, errb bytes.Buffer
		code := run([]string{"scenes", "--out", t.TempDir(), "--scenes", "2", "--feat-dim", "8", "--mix", mix}, &out, &errb)
		require.NotEqual(t, 0, code, mix)
		require.Contains(t, errb.String(), want, mix)
	}
}
