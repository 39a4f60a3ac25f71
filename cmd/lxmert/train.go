package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/lxmert-go/golxmert/lxmert/train"
	"github.com/lxmert-go/golxmert/lxmert/train/dist"
)

// errInterrupted makes run exit 130, as a shell does for Ctrl-C.
var errInterrupted = errors.New("interrupted")

// runTrain is `lxmert train`: fine-tune a question-answering model (the original LXMERT VQA
// recipe by default).
func runTrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("train")
	var o train.Options
	fs.StringVar(&o.Model, "model", "", "model folder: config.json, and weights unless training from scratch (required)")
	fs.StringVar(&o.Data, "data", "", "training examples: LXMERT VQA/GQA JSON list or JSON lines (required)")
	fs.StringVar(&o.Features, "features", "", "region features: .tsv (bottom-up attention), .arrow, .npz or .safetensors (required)")
	fs.StringVar(&o.Out, "out", "", "output folder: final model, checkpoint-N folders, train_log.jsonl (required)")
	fs.StringVar(&o.EvalFeatures, "eval-features", "", "region features of the --eval images, when not in --features")
	fs.StringVar(&o.Eval, "eval", "", "evaluation examples, scored (VQA accuracy) after each epoch")
	fs.StringVar(&o.Answers, "answers", "", "answer set (trainval_label2ans.json list or ans2label map): a new QA head keeping known answers' rows")
	fs.IntVar(&o.Epochs, "epochs", 4, "epochs (ignored with --max-steps)")
	fs.IntVar(&o.MaxSteps, "max-steps", 0, "optimizer steps to run instead of --epochs")
	fs.IntVar(&o.BatchSize, "batch-size", 32, "examples per micro-batch")
	fs.IntVar(&o.GradAccum, "grad-accum", 1, "micro-batches per optimizer step")
	fs.Float64Var(&o.LR, "lr", 5e-5, "peak learning rate")
	warmup := fs.Float64("warmup-ratio", 0.1, "share of steps with linear warm-up")
	wd := fs.Float64("weight-decay", 0.01, "AdamW weight decay (not on biases and LayerNorm weights)")
	fs.Float64Var(&o.AdamEps, "adam-eps", 1e-6, "AdamW epsilon")
	fs.Float64Var(&o.MaxGradNorm, "max-grad-norm", 5.0, "clip gradients to this global norm (negative: no clipping)")
	fs.IntVar(&o.MaxLength, "max-length", 20, "question length in tokens, [CLS] and [SEP] included")
	seed := fs.Uint64("seed", 0, "seed for initialisation, shuffling and dropout")
	fs.BoolVar(&o.NoShuffle, "no-shuffle", false, "batch i is examples [i·B, (i+1)·B) in file order")
	fs.BoolVar(&o.Resume, "resume", false, "continue from the newest checkpoint in --out")
	fs.IntVar(&o.SaveSteps, "save-steps", 0, "also checkpoint every N optimizer steps (0: after each epoch)")
	threads := fs.Int("threads", 0, threadsHelp+"; a data-parallel worker takes its share of the CPUs")
	df := addDistFlags(fs)
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--model", o.Model, "--data", o.Data, "--features", o.Features, "--out", o.Out); err != nil {
		return err
	}
	// train.Options reads a zero as "the default": a zero given here is refused instead of
	// being replaced behind the user's back.
	for _, f := range []struct {
		name string
		zero bool
	}{
		{"epochs", o.Epochs == 0 && o.MaxSteps == 0}, {"batch-size", o.BatchSize == 0}, {"grad-accum", o.GradAccum == 0},
		{"lr", o.LR == 0}, {"adam-eps", o.AdamEps == 0}, {"max-length", o.MaxLength == 0},
		{"max-grad-norm", o.MaxGradNorm == 0},
	} {
		if f.zero {
			msg := fmt.Sprintf("--%s must not be 0", f.name)
			if f.name == "max-grad-norm" {
				msg += " (a negative value turns clipping off)"
			}
			return usagef("%s", msg)
		}
	}
	o.Seed, o.WarmupRatio, o.WeightDecay = *seed, *warmup, *wd
	o.NoWarmup, o.NoWeightDecay = *warmup == 0, *wd == 0
	cfg, worker, err := dist.FromEnv(os.Getenv)
	switch {
	case err != nil:
		return err
	case worker && df.given(fs) != "":
		return usagef("--%s starts workers, but this process is one already (WORLD_SIZE is set, as torchrun does)", df.given(fs))
	case !worker && df.launching():
		return df.launch(fs, o.BatchSize, stdout, stderr)
	case worker && o.BatchSize%cfg.WorldSize != 0:
		return usagef("--batch-size %d does not divide evenly over the job's %d processes: use a multiple of %d", o.BatchSize, cfg.WorldSize, cfg.WorldSize)
	}
	if worker && *threads == 0 && os.Getenv("OMP_NUM_THREADS") == "" {
		*threads = cfg.Threads()
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	if worker {
		cfg.Timeout = *df.timeout
		g, err := dist.Join(cfg)
		if err != nil {
			return workerError(cfg.Rank, err)
		}
		defer g.Close()
		o.Group = g
	}
	o.Log = stderr
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Progress = true
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { // after the first Ctrl-C, which saves a checkpoint, a second one kills
		<-ctx.Done()
		stop()
	}()
	res, err := train.Run(ctx, o)
	if errors.Is(err, train.ErrInterrupted) {
		if worker && cfg.Rank != 0 {
			return errInterrupted // rank 0 says where the checkpoint is
		}
		fmt.Fprintln(stderr, "lxmert train: "+strings.TrimPrefix(err.Error(), "train: "))
		return errInterrupted
	}
	if err != nil && worker {
		return workerError(cfg.Rank, err)
	}
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "train: ")) // run prefixes "lxmert train: "
	}
	if worker && cfg.Rank != 0 {
		return nil // rank 0 reports
	}
	fmt.Fprintf(stdout, "%s\ntrained %d steps on %d examples (%d skipped: no answer in the answer set), %.1f examples/s, last loss %.4f\n",
		res.Note, res.Steps, res.Examples, res.Skipped, res.ExamplesPerSec, res.Loss)
	if res.Eval != nil {
		fmt.Fprintf(stdout, "eval accuracy %.2f%% on %d examples\n", 100*res.Eval.Overall, res.Eval.N)
	}
	fmt.Fprintf(stdout, "model written to %s\n", o.Out)
	return nil
}
