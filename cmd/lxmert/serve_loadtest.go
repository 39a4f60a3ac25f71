package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/scenes"
	"github.com/lxmert-go/golxmert/lxmert/serve"
)

// loadReport is the load test's last line.
type loadReport struct {
	Levels     []*serve.LoadResult `json:"levels"`
	Speedup    float64             `json:"speedup"` // req/s at the most clients over req/s at 1
	MinSpeedup float64             `json:"min_speedup"`
	Pass       bool                `json:"pass"`
}

// runLoadtest is `lxmert loadtest`: start `lxmert serve` on loopback with synthetic scenes,
// drive it with each client count in turn (bounded in requests and time), print a table and
// then one JSON line, and fail when the most clients do not reach --min-speedup times the
// single-client throughput.
func runLoadtest(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("loadtest")
	model := fs.String("model", "", "QA model folder (default: the embedded demo model)")
	levels := fs.String("clients", "1,8,32", "comma-separated concurrent client counts, one level each")
	requests := fs.Int("requests", 2000, "requests per level at most")
	duration := fs.Duration("duration", 15*time.Second, "time per level at most")
	warmup := fs.Int("warmup", 50, "requests sent before the first level")
	nScenes := fs.Int("scenes", 64, "synthetic scenes to ask about")
	minSpeedup := fs.Float64("min-speedup", 3, "fail unless the most clients get this many times the 1-client req/s (0: no check)")
	binPath := fs.String("bin", "", "the lxmert binary to run serve with (default: this one)")
	serveFlags := fs.String("serve-flags", "", "extra flags for lxmert serve, space-separated (e.g. \"--max-batch 32 --threads 1\")")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	counts, err := parseCounts(*levels)
	if err != nil {
		return err
	}
	if *requests < 1 || *duration <= 0 || *nScenes < 1 || *warmup < 0 {
		return usagef("--requests and --scenes must be at least 1, --duration positive, --warmup not negative")
	}
	for _, f := range strings.Fields(*serveFlags) {
		if name := strings.SplitN(strings.TrimLeft(f, "-"), "=", 2)[0]; strings.HasPrefix(f, "-") && (name == "addr" || name == "log-format" || name == "features") {
			return usagef("--serve-flags may not set --%s: the load test listens on loopback and reads the server's JSON log", name)
		}
	}
	dir, err := os.MkdirTemp("", "lxmert-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bodies, err := loadBodies(dir, *nScenes)
	if err != nil {
		return err
	}
	bin := *binPath
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return err
		}
	}
	sargs := append([]string{"--features", filepath.Join(dir, scenes.FeaturesFile)}, strings.Fields(*serveFlags)...)
	if *model != "" {
		sargs = append(sargs, "--model", *model)
	}
	child, err := startServeChild(bin, sargs, 2*time.Minute)
	if err != nil {
		return err
	}
	defer child.kill()
	name := "lxmert serve"
	if extra := strings.Join(sargs[2:], " "); extra != "" {
		name += " " + extra
	}
	fmt.Fprintf(stdout, "%s on %s: %d synthetic scenes, %d questions; each level at most %d requests or %s\n",
		name, child.url, *nScenes, len(bodies), *requests, *duration)
	ctx := context.Background()
	if *warmup > 0 {
		if _, err := serve.RunLoad(ctx, serve.LoadConfig{URL: child.url, Clients: 1, Requests: *warmup, Duration: *duration, Bodies: bodies}); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%7s %9s %7s %9s %8s %8s %11s\n", "clients", "requests", "errors", "req/s", "p50 ms", "p99 ms", "mean batch")
	rep := &loadReport{MinSpeedup: *minSpeedup}
	for _, c := range counts {
		r, err := serve.RunLoad(ctx, serve.LoadConfig{URL: child.url, Clients: c, Requests: *requests, Duration: *duration, Bodies: bodies})
		if err != nil {
			return err
		}
		rep.Levels = append(rep.Levels, r)
		fmt.Fprintf(stdout, "%7d %9d %7d %9.1f %8.2f %8.2f %11.2f\n", r.Clients, r.Requests, r.Errors, r.RPS, r.P50Ms, r.P99Ms, r.MeanBatch)
	}
	if err := child.stop(syscall.SIGTERM, time.Minute); err != nil {
		return err
	}
	return finishReport(rep, stdout)
}

// finishReport computes the speedup, prints the verdict and the JSON line, and fails when
// the speedup falls short or a level had errors.
func finishReport(rep *loadReport, stdout io.Writer) error {
	first, last := rep.Levels[0], rep.Levels[len(rep.Levels)-1]
	errs := 0
	for _, r := range rep.Levels {
		errs += r.Errors
	}
	if first.Clients == 1 && first.RPS > 0 {
		rep.Speedup = last.RPS / first.RPS
	}
	rep.Pass = errs == 0 && (rep.MinSpeedup == 0 || rep.Speedup >= rep.MinSpeedup)
	if rep.Speedup > 0 {
		fmt.Fprintf(stdout, "throughput at %d clients: %.2fx single-client (want at least %gx)\n", last.Clients, rep.Speedup, rep.MinSpeedup)
	}
	line, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s\n", line)
	switch {
	case errs > 0:
		return fmt.Errorf("%d requests failed", errs)
	case !rep.Pass:
		return fmt.Errorf("throughput at %d clients is %.2fx single-client, below --min-speedup %g", last.Clients, rep.Speedup, rep.MinSpeedup)
	}
	return nil
}

// parseCounts reads "1,8,32": increasing, starting at 1 when a speedup is wanted.
func parseCounts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, usagef("--clients %q: want increasing counts from 1 to 1024, like 1,8,32", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadBodies writes a scenes dataset into dir and makes a request body of each question.
func loadBodies(dir string, n int) ([][]byte, error) {
	if _, err := scenes.WriteDataset(dir, scenes.DatasetConfig{Seed: 99, Scenes: n, QuestionsPerScene: 8, IDPrefix: "load"}); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(dir, scenes.QuestionsFile))
	if err != nil {
		return nil, err
	}
	var qs []struct {
		ImgID string `json:"img_id"`
		Sent  string `json:"sent"`
	}
	if err := json.Unmarshal(raw, &qs); err != nil {
		return nil, fmt.Errorf("%s: %w", scenes.QuestionsFile, err)
	}
	bodies := make([][]byte, len(qs))
	for i, q := range qs {
		if bodies[i], err = json.Marshal(map[string]string{"image_id": q.ImgID, "question": q.Sent}); err != nil {
			return nil, err
		}
	}
	return bodies, nil
}
