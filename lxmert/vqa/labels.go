// Package vqa is what training and answering share on top of the model: the answer labels
// of a model folder, and the encoding of questions and region features into one batch of
// model inputs (tokenized as HF's LXMERT demo does, boxes padded with a visual mask).
package vqa

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/lxmert-go/golxmert/lxmert"
)

// The original LXMERT's answer files.
const (
	Label2AnsFile = "trainval_label2ans.json" // a JSON list: label id -> answer
	Ans2LabelFile = "trainval_ans2label.json" // a JSON map: answer -> label id
)

// Labels are a QA head's answers: Names[i] is the answer of logit i.
type Labels struct {
	Names []string
	index map[string]int
}

// NewLabels checks that names are distinct and non-empty.
func NewLabels(names []string) (*Labels, error) {
	l := &Labels{Names: append([]string(nil), names...), index: make(map[string]int, len(names))}
	for i, n := range l.Names {
		if n == "" {
			return nil, fmt.Errorf("vqa: answer %d is empty", i)
		}
		if j, dup := l.index[n]; dup {
			return nil, fmt.Errorf("vqa: answer %q appears twice (ids %d and %d)", n, j, i)
		}
		l.index[n] = i
	}
	return l, nil
}

// Len is the number of answers.
func (l *Labels) Len() int { return len(l.Names) }

// ID returns the label id of answer a.
func (l *Labels) ID(a string) (int, bool) {
	i, ok := l.index[a]
	return i, ok
}

// ID2Label is config.json's id2label form.
func (l *Labels) ID2Label() map[string]string {
	m := make(map[string]string, len(l.Names))
	for i, n := range l.Names {
		m[strconv.Itoa(i)] = n
	}
	return m
}

// ReadLabelsFile reads a label2ans list (["yes", "no", ...]) or an ans2label map
// ({"yes": 0, ...}) whose ids must be exactly 0..n-1.
func ReadLabelsFile(path string) (*Labels, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vqa: %w", err)
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		l, err := NewLabels(list)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return l, nil
	}
	var m map[string]int
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("vqa: %s is neither a JSON list of answers nor a map of answer to id", path)
	}
	names := make([]string, len(m))
	for a, i := range m {
		if i < 0 || i >= len(m) || names[i] != "" {
			return nil, fmt.Errorf("vqa: %s: answer %q has id %d; ids must be 0..%d, each once", path, a, i, len(m)-1)
		}
		names[i] = a
	}
	l, err := NewLabels(names)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// LoadLabels finds a model folder's answers: id2label in its config when it has
// num_qa_labels entries (HF writes a generic two-entry id2label for every config, which is
// not an answer set), else the original LXMERT files beside it. The count must equal
// num_qa_labels.
func LoadLabels(dir string, c *lxmert.LxmertConfig) (*Labels, error) {
	var l *Labels
	var err error
	var from string
	switch {
	case len(c.ID2Label) == c.NumQALabels:
		from = filepath.Join(dir, "config.json") + " id2label"
		names := make([]string, len(c.ID2Label))
		for k, v := range c.ID2Label {
			i, perr := strconv.Atoi(k)
			if perr != nil || i < 0 || i >= len(names) || names[i] != "" {
				return nil, fmt.Errorf("vqa: %s: key %q is not one of the ids 0..%d", from, k, len(names)-1)
			}
			names[i] = v
		}
		l, err = NewLabels(names)
	case exists(filepath.Join(dir, Label2AnsFile)):
		from = filepath.Join(dir, Label2AnsFile)
		l, err = ReadLabelsFile(from)
	case exists(filepath.Join(dir, Ans2LabelFile)):
		from = filepath.Join(dir, Ans2LabelFile)
		l, err = ReadLabelsFile(from)
	default:
		return nil, fmt.Errorf("vqa: %s has no answer labels: config.json's id2label has %d entries, not num_qa_labels %d, and there is no %s or %s", dir, len(c.ID2Label), c.NumQALabels, Label2AnsFile, Ans2LabelFile)
	}
	if err != nil {
		return nil, err
	}
	if l.Len() != c.NumQALabels {
		return nil, fmt.Errorf("vqa: %s has %d answers but the model's num_qa_labels is %d", from, l.Len(), c.NumQALabels)
	}
	return l, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
