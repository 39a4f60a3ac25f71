package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// answerBatch answers a JSON-lines question file in batches. Bad lines (and questions about
// unknown images) are reported with their line number and skipped; the rest are answered.
// The output is written to a temporary file and renamed, so it is never half-written.
func answerBatch(ctx context.Context, a *answer.Answerer, src features.Source, in, out, format string, batch int, stderr io.Writer) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	qs, bad, err := answer.ReadQuestions(f)
	f.Close()
	if err != nil {
		return err
	}
	for _, b := range bad {
		fmt.Fprintf(stderr, "lxmert answer: %s: %v (skipped)\n", in, b)
	}
	var bar *progressbar.ProgressBar
	if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
		bar = progressbar.NewOptions(len(qs), progressbar.OptionSetWriter(stderr), progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("answering"), progressbar.OptionClearOnFinish())
	}
	type record struct {
		QuestionID string `json:"question_id"`
		*answer.Result
	}
	var results []record
	skipped := len(bad)
	for start := 0; start < len(qs); start += batch {
		chunk := qs[start:min(start+batch, len(qs))]
		var imgs []*features.Image
		var texts []string
		var kept []answer.Question
		for _, q := range chunk {
			img, err := src.Image(q.ImageID)
			if err != nil {
				fmt.Fprintf(stderr, "lxmert answer: %s: line %d: %v (skipped)\n", in, q.Line, err)
				skipped++
				continue
			}
			imgs, texts, kept = append(imgs, img), append(texts, q.Question), append(kept, q)
		}
		if len(kept) > 0 {
			res, err := a.AskBatch(ctx, imgs, texts)
			if err != nil {
				return fmt.Errorf("lines %d-%d: %w", chunk[0].Line, chunk[len(chunk)-1].Line, err)
			}
			for i, r := range res {
				results = append(results, record{kept[i].QuestionID, r})
			}
		}
		if bar != nil {
			_ = bar.Add(len(chunk))
		}
	}
	if bar != nil {
		_ = bar.Finish()
	}
	if err := atomicfile.Write(out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		if format == "vqa" {
			vqa := make([]map[string]string, len(results))
			for i, r := range results {
				vqa[i] = map[string]string{"question_id": r.QuestionID, "answer": r.Answers[0].Answer}
			}
			return enc.Encode(vqa)
		}
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "answered %d questions, skipped %d; wrote %s\n", len(results), skipped, out)
	return nil
}
