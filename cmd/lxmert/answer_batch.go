package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// shardHelp documents answer's --shard flag.
const shardHelp = "batch mode: answer only slice K of N (1 ≤ K ≤ N) of the question file: N jobs with K = 1…N answer it all, each question once"

// shard is the slice K of N of a question file (K = 1, N = 1: all of it).
type shard struct{ k, n int }

// parseShard reads --shard K/N.
func parseShard(s string, batchMode bool) (shard, error) {
	if s == "" {
		return shard{1, 1}, nil
	}
	if !batchMode {
		return shard{}, usagef("--shard needs batch mode (--questions and --out)")
	}
	var sh shard
	var rest string
	if n, _ := fmt.Sscanf(s, "%d/%d%s", &sh.k, &sh.n, &rest); n != 2 || sh.n < 1 || sh.k < 1 || sh.k > sh.n {
		return shard{}, usagef("--shard %q is not K/N with 1 ≤ K ≤ N (e.g. 2/8)", s)
	}
	return sh, nil
}

// of keeps the shard's questions: the k-th of n contiguous, near-equal runs of the
// questions, in file order, and the bad lines that lie between its first question and the
// next shard's (so that each is reported by one shard only).
func (sh shard) of(qs []answer.Question, bad []*answer.LineError) ([]answer.Question, []*answer.LineError) {
	if sh.n == 1 {
		return qs, bad
	}
	lo, hi := (sh.k-1)*len(qs)/sh.n, sh.k*len(qs)/sh.n
	from, to := 0, math.MaxInt // lines
	if sh.k > 1 {
		from = math.MaxInt
		if lo < len(qs) {
			from = qs[lo].Line
		}
	}
	if hi < len(qs) {
		to = qs[hi].Line
	}
	var mine []*answer.LineError
	for _, b := range bad {
		if b.Line >= from && b.Line < to {
			mine = append(mine, b)
		}
	}
	return qs[lo:hi], mine
}

// answerBatch answers a JSON-lines question file (or its shard) in batches. Bad lines (and
// questions about unknown images) are reported with their line number and skipped; the
// rest are answered. The output is written to a temporary file and renamed, so it is never
// half-written.
func answerBatch(ctx context.Context, a *answer.Answerer, src features.Source, in, out, format string, batch int, sh shard, stderr io.Writer) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	qs, bad, err := answer.ReadQuestions(f)
	f.Close()
	if err != nil {
		return err
	}
	qs, bad = sh.of(qs, bad)
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
