package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
)

// runScenes is `lxmert scenes`: write a synthetic question-answering dataset (features,
// questions, answer vocabulary and optionally pictures) for training the default model.
func runScenes(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("scenes")
	out := fs.String("out", "", "folder to write features.tsv, questions.json, trainval_*.json (and images/) into")
	seed := fs.Uint64("seed", 1, "random seed; use different seeds (and --prefix) for train and test")
	n := fs.Int("scenes", 1000, "number of scenes (images)")
	k := fs.Int("questions-per-scene", 10, "questions asked about each scene")
	dim := fs.Int("feat-dim", scenes.DefaultFeatDim, "region feature dimension")
	noise := fs.Float64("noise", scenes.DefaultNoise, "per-region feature noise, relative to the signal (0 for none)")
	prefix := fs.String("prefix", scenes.DefaultIDPrefix, "image id prefix (ids are PREFIX_000123)")
	pngs := fs.Bool("png", false, "also write images/<img_id>.png for each scene")
	mixFlag := fs.String("mix", "", "question type weights, e.g. position=2,spatial=1 (default: the five evaluated types equally; position questions only when named)")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if *noise < 0 {
		return fmt.Errorf("--noise %g is negative", *noise)
	}
	if *noise == 0 {
		*noise = -1 // DatasetConfig reads 0 as the default and a negative value as none
	}
	mix, err := parseMix(*mixFlag)
	if err != nil {
		return err
	}
	st, err := scenes.WriteDataset(*out, scenes.DatasetConfig{
		Seed: *seed, Scenes: *n, QuestionsPerScene: *k, FeatDim: *dim, Noise: *noise,
		WritePNG: *pngs, IDPrefix: *prefix, Mix: mix,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d scenes (%d objects) and %d questions to %s\n", st.Scenes, st.Objects, st.Questions, *out)
	for _, t := range scenes.AllTypes() {
		if t == scenes.TypePosition && st.ByType[t] == 0 {
			continue
		}
		fmt.Fprintf(stdout, "  %-9s %6d", t, st.ByType[t])
		if yes, no := st.Yes[t], st.No[t]; yes+no > 0 {
			fmt.Fprintf(stdout, "  (yes %d, no %d)", yes, no)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// parseMix reads --mix: comma-separated type=weight pairs; "" is the default mix (nil).
func parseMix(s string) (scenes.Mix, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	m := scenes.Mix{}
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, usagef("--mix %q: want type=weight pairs separated by commas, e.g. position=2,spatial=1", s)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, usagef("--mix %q: weight %q of %s is not a number", s, val, name)
		}
		m[scenes.Type(strings.TrimSpace(name))] = w
	}
	return m, nil
}
