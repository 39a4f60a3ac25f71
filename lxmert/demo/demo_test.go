package demo

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// The embedded model loads with its answer labels (the scene generator's answer set) and is
// small enough to ship.
func TestEmbeddedModel(t *testing.T) {
	raw, err := files.ReadFile("model/model.safetensors")
	require.NoError(t, err)
	require.Less(t, len(raw), 20<<20, "the shipped model must stay under 20 MB")
	a, err := Answerer(answer.Options{TopK: 3})
	require.NoError(t, err)
	defer a.Close()
	require.Equal(t, scenes.Answers(), a.Labels.Names)
	require.NotEmpty(t, ModelCard)
}

// Run answers fresh scenes through the real TSV reader and reports every question type.
func TestRun(t *testing.T) {
	a, err := Answerer(answer.Options{TopK: 3})
	require.NoError(t, err)
	defer a.Close()
	c := DefaultConfig(t.TempDir())
	c.Scenes, c.Samples = 30, 2
	var out bytes.Buffer
	rep, err := Run(context.Background(), a, c, &out)
	require.NoError(t, err)
	require.Equal(t, 30*c.QuestionsPerScene, rep.Questions)
	require.Len(t, rep.ByType, len(scenes.Types()))
	require.Equal(t, 2, bytes.Count(out.Bytes(), []byte("Q: ")))
	require.Contains(t, out.String(), "images/demo_000000.png")
	rep.Print(&out)
	require.Regexp(t, `accuracy \d+\.\d%\n$`, out.String())
}
