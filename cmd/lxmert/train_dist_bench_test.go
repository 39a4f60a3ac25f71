package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// BenchmarkTrainDataParallel times `lxmert train` optimizer steps in one process (all CPUs)
// and in two local processes (--nproc-per-node 2, half the CPUs each, gradients all-reduced
// over loopback), at the same global batch. LXMERT_BENCH_SIZE picks the model: tiny (the
// default: hidden 32, 1/1/1 layers, 10 boxes of 32) or base (LXMERT's default config, 3,129
// answers, 36 boxes of 2,048 features); LXMERT_BENCH_BATCH the global batch (default 32)
// and LXMERT_BENCH_STEPS the steps per run (default 6; the first is a warm-up and not
// counted). Reported: steps/s (median step) and each run's wall clock.
//
//	LXMERT_BENCH_SIZE=base go test -run '^$' -bench TrainDataParallel -benchtime 1x ./cmd/lxmert
func BenchmarkTrainDataParallel(b *testing.B) {
	size, batch, steps := envOr("LXMERT_BENCH_SIZE", "tiny"), envInt("LXMERT_BENCH_BATCH", 32), envInt("LXMERT_BENCH_STEPS", 6)
	dir := b.TempDir()
	flags := benchData(b, dir, size, batch*steps)
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("%s/procs=%d", size, procs), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				out := filepath.Join(b.TempDir(), "out")
				args := append(append([]string{"train"}, flags...), "--out", out, "--max-steps", fmt.Sprint(steps),
					"--batch-size", fmt.Sprint(batch), "--lr", "1e-4")
				if procs > 1 {
					args = append(args, "--nproc-per-node", fmt.Sprint(procs))
				}
				p := start(b, nil, args...)
				if code := p.wait(); code != 0 {
					b.Fatalf("lxmert train exited %d: %s", code, p.stderr.String())
				}
				var times []float64
				raw, err := os.ReadFile(filepath.Join(out, "train_log.jsonl"))
				if err != nil {
					b.Fatal(err)
				}
				for _, l := range strings.Split(strings.TrimSpace(string(raw)), "\n")[1:] {
					var rec struct {
						ExamplesPerS float64 `json:"examples_per_s"`
					}
					if err := json.Unmarshal([]byte(l), &rec); err != nil {
						b.Fatal(err)
					}
					times = append(times, float64(batch)/rec.ExamplesPerS)
				}
				sort.Float64s(times)
				b.ReportMetric(1/times[len(times)/2], "steps/s")
				b.ReportMetric(times[len(times)/2]*1000, "ms/step")
			}
		})
	}
}

// benchData writes a model config, an answer set and n questions over 64 random images.
func benchData(b *testing.B, dir, size string, n int) []string {
	cfg := map[string]any{"architectures": []string{"LxmertForQuestionAnswering"}}
	labels, boxes, featDim := 3129, 36, 2048
	switch size {
	case "tiny":
		labels, boxes, featDim = 28, 10, 32
		for k, v := range map[string]any{"hidden_size": 32, "num_attention_heads": 4, "intermediate_size": 64, "l_layers": 1,
			"x_layers": 1, "r_layers": 1, "visual_feat_dim": 32, "num_object_labels": 2, "num_attr_labels": 2, "max_position_embeddings": 32} {
			cfg[k] = v
		}
	case "base":
	default:
		b.Fatalf("LXMERT_BENCH_SIZE=%q: want tiny or base", size)
	}
	cfg["num_qa_labels"] = labels
	writeJSON(b, filepath.Join(dir, "model", "config.json"), cfg)
	answers := make([]string, labels)
	for i := range answers {
		answers[i] = fmt.Sprintf("a%d", i)
	}
	writeJSON(b, filepath.Join(dir, "answers.json"), answers)
	rng := rand.New(rand.NewPCG(1, 2))
	f, err := os.Create(filepath.Join(dir, "features.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := 0; i < 64; i++ {
		img := &features.Image{ID: fmt.Sprintf("img%d", i), Height: 400, Width: 600, NumBoxes: boxes, FeatDim: featDim,
			Features: make([]float32, boxes*featDim), Boxes: make([]float32, 4*boxes)}
		for k := range img.Features {
			img.Features[k] = rng.Float32()
		}
		for k := 0; k < boxes; k++ {
			x, y := rng.Float32()/2, rng.Float32()/2
			copy(img.Boxes[4*k:], []float32{x, y, x + rng.Float32()/2, y + rng.Float32()/2})
		}
		if err := features.WriteTSV(w, img); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	// 18 word pieces: with [CLS] and [SEP], the default --max-length of 20.
	question := "what is " + strings.Repeat("the ", 15) + "?"
	qs := make([]map[string]any, n)
	for i := range qs {
		qs[i] = map[string]any{"question_id": i, "img_id": fmt.Sprintf("img%d", i%64), "sent": question,
			"label": map[string]float64{answers[rng.IntN(labels)]: 1}}
	}
	writeJSON(b, filepath.Join(dir, "questions.json"), qs)
	return []string{"--model", filepath.Join(dir, "model"), "--data", filepath.Join(dir, "questions.json"),
		"--features", filepath.Join(dir, "features.tsv"), "--answers", filepath.Join(dir, "answers.json")}
}

func writeJSON(b *testing.B, path string, v any) {
	raw, err := json.Marshal(v)
	if err == nil {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			err = os.WriteFile(path, raw, 0o644)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(k), &n); err != nil || n <= 0 {
		return def
	}
	return n
}
