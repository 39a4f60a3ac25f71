// Package train fine-tunes LXMERT question-answering models as the original LXMERT VQA
// recipe does (soft-score BCE, AdamW, linear warm-up and decay, gradient clipping), with
// checkpoints that resume exactly, on LibTorch through the lxmert package.
package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// Example is one question of the original LXMERT VQA/GQA JSON.
type Example struct {
	QuestionID string
	ImageID    string
	Sent       string
	// Scores maps answers to soft scores (VQA); Answer is a single answer (GQA-style
	// cross-entropy). Exactly one is set.
	Scores map[string]float64
	Answer string
	Type   string // optional question_type, for per-type accuracy
	where  string // file and record, for messages
}

type rawExample struct {
	QuestionID json.RawMessage `json:"question_id"`
	ImageID    json.RawMessage `json:"img_id"`
	Sent       *string         `json:"sent"`
	Label      json.RawMessage `json:"label"`
	Type       string          `json:"question_type"`
}

// ReadExamples reads a JSON list of examples or JSON lines of them (blank lines and a UTF-8
// byte-order mark are ignored). Errors name the file and the record (list index or line
// number); a file without examples is an error.
func ReadExamples(path string) ([]Example, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\ufeff")) // a byte-order mark some editors write
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(t, &list); err != nil {
			return nil, fmt.Errorf("train: %s: malformed JSON: %v", path, err)
		}
		out := make([]Example, 0, len(list))
		for i, r := range list {
			ex, err := parseExample(r, fmt.Sprintf("%s record %d", path, i))
			if err != nil {
				return nil, err
			}
			out = append(out, ex)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("train: %s holds no examples", path)
		}
		return out, nil
	}
	var out []Example
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		ex, err := parseExample(sc.Bytes(), fmt.Sprintf("%s line %d", path, line))
		if err != nil {
			return nil, err
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("train: %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("train: %s holds no examples", path)
	}
	return out, nil
}

func parseExample(data []byte, where string) (Example, error) {
	var r rawExample
	if err := json.Unmarshal(data, &r); err != nil {
		return Example{}, fmt.Errorf("train: %s: malformed JSON: %v", where, err)
	}
	ex := Example{QuestionID: vqa.ID(r.QuestionID), ImageID: vqa.ID(r.ImageID), Type: r.Type, where: where}
	switch {
	case ex.ImageID == "":
		return ex, fmt.Errorf("train: %s: missing img_id", where)
	case r.Sent == nil || strings.TrimSpace(*r.Sent) == "":
		return ex, fmt.Errorf("train: %s: empty question (sent)", where)
	case len(r.Label) == 0 || string(r.Label) == "null":
		return ex, fmt.Errorf("train: %s: missing label", where)
	}
	ex.Sent = *r.Sent
	if err := json.Unmarshal(r.Label, &ex.Answer); err == nil {
		if ex.Answer == "" {
			return ex, fmt.Errorf("train: %s: empty answer label", where)
		}
		return ex, nil
	}
	if err := json.Unmarshal(r.Label, &ex.Scores); err != nil {
		return ex, fmt.Errorf("train: %s: label must be an answer string or a map of answer to score, got %s", where, truncate(r.Label))
	}
	for a, v := range ex.Scores {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return ex, fmt.Errorf("train: %s: label score of %q is %v (want a finite score >= 0)", where, a, v)
		}
	}
	return ex, nil
}

func truncate(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}
