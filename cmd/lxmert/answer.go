package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
)

// answerFlags are the flags `answer` and `explain` share.
type answerFlags struct {
	model, feats, imageID, question *string
	topK, maxLen, threads           *int
	precision                       *string
}

func addAnswerFlags(fs *flag.FlagSet) answerFlags {
	return answerFlags{
		model:     fs.String("model", "", "QA model folder (default: the embedded demo model)"),
		feats:     fs.String("features", "", "region features: .tsv, .arrow, .npz or .safetensors (required)"),
		imageID:   fs.String("image-id", "", "image to ask about"),
		question:  fs.String("question", "", "the question"),
		topK:      fs.Int("top-k", 5, "answers to show"),
		maxLen:    fs.Int("max-length", 20, "question length in tokens, [CLS] and [SEP] included"),
		threads:   fs.Int("threads", 0, threadsHelp),
		precision: fs.String("precision", "fp32", precisionHelp),
	}
}

// open loads the model and the features.
func (f answerFlags) open() (*answer.Answerer, features.Source, error) {
	if err := required("--features", *f.feats); err != nil {
		return nil, nil, err
	}
	if err := setThreads(*f.threads); err != nil {
		return nil, nil, err
	}
	prec, err := lxmert.ParsePrecision(*f.precision)
	if err != nil {
		return nil, nil, usagef("--precision: %v", err)
	}
	opts := answer.Options{TopK: *f.topK, MaxLength: *f.maxLen, Precision: prec}
	a, err := loadAnswerer(*f.model, opts)
	if err != nil {
		return nil, nil, err
	}
	src, err := features.Open(*f.feats)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, src, nil
}

// runAnswer is `lxmert answer`: one question (--image-id, --question) or a JSON-lines file
// of them (--questions, --out).
func runAnswer(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("answer")
	f := addAnswerFlags(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	questions := fs.String("questions", "", `batch mode: JSON lines {"question_id", "image_id", "question"}`)
	out := fs.String("out", "", "batch mode: where to write the answers (JSON lines, or --format vqa)")
	format := fs.String("format", "jsonl", "batch output: jsonl, or vqa ([{\"question_id\", \"answer\"}])")
	batch := fs.Int("batch-size", 16, "batch mode: questions per forward")
	shardFlag := fs.String("shard", "", shardHelp)
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	batchMode := *questions != "" || *out != ""
	switch {
	case batchMode && (*questions == "" || *out == ""):
		return usagef("batch mode needs both --questions and --out")
	case batchMode && (*f.imageID != "" || *f.question != ""):
		return usagef("give --image-id/--question or --questions/--out, not both")
	case !batchMode && (*f.imageID == "" || strings.TrimSpace(*f.question) == ""):
		return usagef("missing --image-id or --question (or give --questions and --out for batch mode)")
	case *format != "jsonl" && *format != "vqa":
		return usagef("--format %q is not jsonl or vqa", *format)
	case *batch < 1:
		return usagef("--batch-size must be at least 1, got %d", *batch)
	}
	sh, err := parseShard(*shardFlag, batchMode)
	if err != nil {
		return err
	}
	a, src, err := f.open()
	if err != nil {
		return err
	}
	defer a.Close()
	defer src.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if batchMode {
		return answerBatch(ctx, a, src, *questions, *out, *format, *batch, sh, stderr)
	}
	img, err := src.Image(*f.imageID)
	if err != nil {
		return err
	}
	res, err := a.Ask(ctx, img, *f.question)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(res)
	}
	printAnswers(stdout, res)
	return nil
}

// printAnswers writes a readable table.
func printAnswers(w io.Writer, res *answer.Result) {
	fmt.Fprintf(w, "image %s: %s\n", res.ImageID, res.Question)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  rank\tanswer\tprobability")
	for i, ans := range res.Answers {
		fmt.Fprintf(tw, "  %d\t%s\t%.4f\n", i+1, ans.Answer, ans.Prob)
	}
	tw.Flush()
}
