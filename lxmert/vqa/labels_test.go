package vqa

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// Labels come from id2label when it names num_qa_labels answers, else from the original
// LXMERT files; counts that disagree with the model are errors that say so.
func TestLoadLabels(t *testing.T) {
	c := lxmert.DefaultConfig()
	c.NumQALabels = 3
	dir := t.TempDir()

	c.ID2Label = map[string]string{"0": "yes", "1": "no", "2": "red"}
	l, err := LoadLabels(dir, c)
	require.NoError(t, err)
	require.Equal(t, []string{"yes", "no", "red"}, l.Names)
	id, ok := l.ID("red")
	require.True(t, ok)
	require.Equal(t, 2, id)

	c.ID2Label = map[string]string{"0": "LABEL_0", "1": "LABEL_1"} // HF's generic default
	_, err = LoadLabels(dir, c)
	require.ErrorContains(t, err, "has no answer labels")

	writeFile(t, dir, Ans2LabelFile, `{"cat": 1, "dog": 0, "two": 2}`)
	l, err = LoadLabels(dir, c)
	require.NoError(t, err)
	require.Equal(t, []string{"dog", "cat", "two"}, l.Names)

	writeFile(t, dir, Label2AnsFile, `["a", "b"]`) // preferred over the map, and too short
	_, err = LoadLabels(dir, c)
	require.ErrorContains(t, err, "has 2 answers but the model's num_qa_labels is 3")
}

func TestReadLabelsFileErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"dup.json":    `["yes", "yes"]`,
		"empty.json":  `["yes", ""]`,
		"gap.json":    `{"yes": 0, "no": 2}`,
		"twice.json":  `{"yes": 0, "no": 0}`,
		"object.json": `{"yes": "zero"}`,
		"text.json":   `hello`,
	} {
		_, err := ReadLabelsFile(writeFile(t, dir, name, content))
		require.Error(t, err, name)
		if name != "text.json" && name != "object.json" {
			require.ErrorContains(t, err, name)
		}
	}
	_, err := ReadLabelsFile(filepath.Join(dir, "missing.json"))
	require.Error(t, err)
	l, err := NewLabels([]string{"x", "y"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"0": "x", "1": "y"}, l.ID2Label())
}
