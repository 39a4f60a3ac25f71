package answer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// Question is one line of a batch question file.
type Question struct {
	QuestionID string `json:"question_id"`
	ImageID    string `json:"image_id"`
	Question   string `json:"question"`
	Line       int    `json:"-"` // 1-based line in the file
}

// LineError reports a question line that was skipped.
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ReadQuestions reads JSON lines {"question_id", "image_id", "question"} (ids may be numbers).
// A bad line does not stop the others: it comes back as a *LineError. A read error of r
// itself is returned as err.
func ReadQuestions(r io.Reader) (qs []Question, bad []*LineError, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		var raw struct {
			QuestionID json.RawMessage `json:"question_id"`
			ImageID    json.RawMessage `json:"image_id"`
			Question   *string         `json:"question"`
		}
		if err := json.Unmarshal(text, &raw); err != nil {
			bad = append(bad, &LineError{line, "malformed JSON: " + err.Error()})
			continue
		}
		q := Question{QuestionID: vqa.ID(raw.QuestionID), ImageID: vqa.ID(raw.ImageID), Line: line}
		switch {
		case q.ImageID == "":
			bad = append(bad, &LineError{line, "missing image_id"})
			continue
		case raw.Question == nil || strings.TrimSpace(*raw.Question) == "":
			bad = append(bad, &LineError{line, "empty question"})
			continue
		}
		q.Question = *raw.Question
		if q.QuestionID == "" {
			q.QuestionID = fmt.Sprint(line)
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		return qs, bad, fmt.Errorf("answer: reading questions: %w", err)
	}
	return qs, bad, nil
}
