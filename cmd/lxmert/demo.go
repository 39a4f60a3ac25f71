package main

import (
	"context"
	"io"
	"os"
	"os/signal"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/demo"
)

// runDemo is `lxmert demo`: sample questions about fresh synthetic scenes, then the held-out
// accuracy of the model (the embedded default unless --model is given).
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo")
	c := demo.DefaultConfig("build/demo")
	fs.StringVar(&c.Dir, "out", c.Dir, "folder for the generated scenes (features.tsv, questions.json, images/*.png)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "scene seed (the default was never used in training)")
	fs.IntVar(&c.Scenes, "scenes", c.Scenes, "scenes to generate")
	fs.IntVar(&c.QuestionsPerScene, "questions-per-scene", c.QuestionsPerScene, "questions per scene")
	fs.IntVar(&c.Samples, "samples", c.Samples, "questions to print with their answers")
	model := fs.String("model", "", "QA model folder (default: the embedded demo model)")
	threads := fs.Int("threads", 0, threadsHelp)
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if c.Scenes < 1 || c.QuestionsPerScene < 1 || c.Samples < 0 {
		return usagef("need --scenes and --questions-per-scene of at least 1, --samples of at least 0")
	}
	c.BatchSize = 64
	if err := setThreads(*threads); err != nil {
		return err
	}
	a, err := loadAnswerer(*model, answer.Options{TopK: 3})
	if err != nil {
		return err
	}
	defer a.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	rep, err := demo.Run(ctx, a, c, stdout)
	if err != nil {
		return err
	}
	rep.Print(stdout)
	return nil
}
