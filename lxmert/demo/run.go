package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// Config says which fresh scenes the demo generates. The zero value is not valid; use
// DefaultConfig.
type Config struct {
	Dir               string // where the scenes' TSV, questions and PNGs go
	Seed              uint64 // scenes from this seed were never seen in training
	Scenes            int
	QuestionsPerScene int
	Samples           int // questions printed with their answers
	BatchSize         int
}

// DefaultConfig asks 1,250 questions about 250 fresh scenes (a seed that training never
// used) and prints 6 of them.
func DefaultConfig(dir string) Config {
	return Config{Dir: dir, Seed: 20261127, Scenes: 250, QuestionsPerScene: 5, Samples: 6, BatchSize: 64}
}

// Report is the demo's held-out accuracy, overall and per question type.
type Report struct {
	Questions int
	Accuracy  float64
	ByType    map[string]float64
	CountType map[string]int
}

type question struct {
	ID    string             `json:"question_id"`
	Image string             `json:"img_id"`
	Sent  string             `json:"sent"`
	Label map[string]float64 `json:"label"`
	Type  string             `json:"question_type"`
}

// Run writes fresh scenes (features TSV and PNG pictures) into c.Dir, reads them back
// through the real TSV reader, prints sample questions with the scene's picture and the top
// answers, then answers every question and reports the accuracy.
func Run(ctx context.Context, a *answer.Answerer, c Config, w io.Writer) (*Report, error) {
	featDim := a.Model.Config.VisualFeatDim
	if _, err := scenes.WriteDataset(c.Dir, scenes.DatasetConfig{Seed: c.Seed, Scenes: c.Scenes,
		QuestionsPerScene: c.QuestionsPerScene, FeatDim: featDim, WritePNG: true, IDPrefix: "demo"}); err != nil {
		return nil, err
	}
	src, err := features.Open(filepath.Join(c.Dir, scenes.FeaturesFile))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	raw, err := os.ReadFile(filepath.Join(c.Dir, scenes.QuestionsFile))
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	var qs []question
	if err := json.Unmarshal(raw, &qs); err != nil {
		return nil, fmt.Errorf("demo: %s: %w", scenes.QuestionsFile, err)
	}
	rep := &Report{Questions: len(qs), ByType: map[string]float64{}, CountType: map[string]int{}}
	for start := 0; start < len(qs); start += c.BatchSize {
		chunk := qs[start:min(start+c.BatchSize, len(qs))]
		imgs, texts := make([]*features.Image, len(chunk)), make([]string, len(chunk))
		for i, q := range chunk {
			if imgs[i], err = src.Image(q.Image); err != nil {
				return nil, err
			}
			texts[i] = q.Sent
		}
		res, err := a.AskBatch(ctx, imgs, texts)
		if err != nil {
			return nil, err
		}
		for i, q := range chunk {
			score := q.Label[res[i].Answers[0].Answer]
			rep.Accuracy += score
			rep.ByType[q.Type] += score
			rep.CountType[q.Type]++
			if start+i < c.Samples {
				printSample(w, c.Dir, q, res[i])
			}
		}
	}
	rep.Accuracy /= float64(len(qs))
	for t, n := range rep.CountType {
		rep.ByType[t] /= float64(n)
	}
	return rep, nil
}

func printSample(w io.Writer, dir string, q question, r *answer.Result) {
	var truth string
	for a := range q.Label {
		truth = a
	}
	fmt.Fprintf(w, "Q: %s\n   scene: %s\n   answers:", q.Sent, filepath.Join(dir, scenes.ImagesDir, q.Image+".png"))
	for _, ans := range r.Answers[:min(3, len(r.Answers))] {
		fmt.Fprintf(w, " %s (%.3f)", ans.Answer, ans.Prob)
	}
	fmt.Fprintf(w, "   [expected: %s]\n", truth)
}

// Print writes the report: one line per question type, then `accuracy NN.N%`.
func (r *Report) Print(w io.Writer) {
	types := make([]string, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Fprintf(w, "\nheld-out accuracy over %d fresh questions:\n", r.Questions)
	for _, t := range types {
		fmt.Fprintf(w, "  %-10s %5.1f%%  (%d questions)\n", t, 100*r.ByType[t], r.CountType[t])
	}
	fmt.Fprintf(w, "accuracy %.1f%%\n", 100*r.Accuracy)
}
