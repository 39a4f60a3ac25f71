package scenes

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// File names WriteDataset uses inside its folder.
const (
	FeaturesFile  = "features.tsv"
	QuestionsFile = "questions.json"
	Label2AnsFile = "trainval_label2ans.json"
	Ans2LabelFile = "trainval_ans2label.json"
	ImagesDir     = "images"
)

// DatasetConfig says what WriteDataset generates.
type DatasetConfig struct {
	Seed              uint64
	Scenes            int     // number of scenes (images)
	QuestionsPerScene int     // questions asked about each scene
	FeatDim           int     // 0 means DefaultFeatDim
	Noise             float64 // as Options.Noise: 0 means DefaultNoise, negative none
	WritePNG          bool    // also write images/<img_id>.png
	IDPrefix          string  // "" means DefaultIDPrefix; use distinct prefixes for splits
	Mix               Mix     // question type weights; nil means equal
}

// DatasetStats counts what WriteDataset wrote.
type DatasetStats struct {
	Scenes    int
	Objects   int
	Questions int
	ByType    map[Type]int   // questions per type
	Yes       map[Type]int   // "yes" answers per type
	No        map[Type]int   // "no" answers per type
	Answers   map[string]int // questions per answer
}

// vqaQuestion is one entry of the original LXMERT VQA JSON, plus the question type.
type vqaQuestion struct {
	QuestionID   string             `json:"question_id"`
	ImgID        string             `json:"img_id"`
	Sent         string             `json:"sent"`
	Label        map[string]float64 `json:"label"`
	QuestionType Type               `json:"question_type"`
}

// WriteDataset writes a generated VQA-style dataset into dir (created if needed):
// features.tsv (bottom-up-attention TSV, one line per scene), questions.json,
// trainval_label2ans.json, trainval_ans2label.json and, with WritePNG, images/*.png. Each
// file is written to a temporary name and renamed, so readers never see a partial file.
func WriteDataset(dir string, cfg DatasetConfig) (*DatasetStats, error) {
	if cfg.Scenes <= 0 || cfg.QuestionsPerScene <= 0 {
		return nil, fmt.Errorf("scenes: dataset needs scenes > 0 and questions per scene > 0, have %d and %d", cfg.Scenes, cfg.QuestionsPerScene)
	}
	if _, err := cfg.Mix.weights(); err != nil {
		return nil, err
	}
	ss, err := Generate(cfg.Seed, cfg.Scenes, Options{FeatDim: cfg.FeatDim, Noise: cfg.Noise, IDPrefix: cfg.IDPrefix})
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("scenes: %w", err)
	}
	st := &DatasetStats{Scenes: len(ss), ByType: map[Type]int{}, Yes: map[Type]int{}, No: map[Type]int{}, Answers: map[string]int{}}
	var qs []vqaQuestion
	for _, s := range ss {
		st.Objects += len(s.Objects)
		got, _ := QuestionsMix(s, streamRNG(cfg.Seed, purposeQuestions, uint64(s.Index)), cfg.QuestionsPerScene, cfg.Mix)
		for _, q := range got {
			qs = append(qs, vqaQuestion{q.ID, q.ImageID, q.Text, map[string]float64{q.Answer: 1}, q.Type})
			st.count(q)
		}
	}
	err = writeAtomic(filepath.Join(dir, FeaturesFile), func(w io.Writer) error {
		for _, s := range ss {
			if err := features.WriteTSV(w, s.Image()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := writeJSONList(filepath.Join(dir, QuestionsFile), qs); err != nil {
		return nil, err
	}
	if err := writeLabels(dir); err != nil {
		return nil, err
	}
	if cfg.WritePNG {
		if err := os.MkdirAll(filepath.Join(dir, ImagesDir), 0o755); err != nil {
			return nil, fmt.Errorf("scenes: %w", err)
		}
		for _, s := range ss {
			if err := writeAtomic(filepath.Join(dir, ImagesDir, s.ID+".png"), s.PNG); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

func (st *DatasetStats) count(q Question) {
	st.Questions++
	st.ByType[q.Type]++
	st.Answers[q.Answer]++
	switch q.Answer {
	case "yes":
		st.Yes[q.Type]++
	case "no":
		st.No[q.Type]++
	}
}

// writeLabels writes the answer vocabulary both ways round.
func writeLabels(dir string) error {
	ans := Answers()
	a2l := make(map[string]int, len(ans))
	for i, a := range ans {
		a2l[a] = i
	}
	if err := writeJSON(filepath.Join(dir, Label2AnsFile), ans); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, Ans2LabelFile), a2l)
}
