// Command benchgo is the Go side of `make bench` (tests/bench.py): it loads a
// LxmertForQuestionAnswering through the public API and times forwards on request. It reads
// one JSON command per line on stdin and answers one JSON line on stdout:
//
//	{"op":"load","model":DIR}                               -> {"load_s":…}
//	{"op":"inputs","batch":B,"path":FILE}                   -> {}   (input_ids, visual_feats, visual_pos, attention_mask)
//	{"op":"run","batch":B,"threads":T,"precision":"fp32","n":N} -> {"ms":[…],"cpu_ms":[…]}
//	{"op":"answers","batch":B,"precision":P,"out":FILE}    -> {}   (softmax probabilities as "probs")
//	{"op":"mem"}                                            -> {"peak_mb":…,"rss_mb":…}
//
// Errors answer {"error":"…"}. With -model and -inputs it runs alone instead (for profiling):
// benchgo -model DIR -inputs FILE -threads 1 -precision bf16 -n 50.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

type command struct {
	Op        string `json:"op"`
	Model     string `json:"model"`
	Path      string `json:"path"`
	Out       string `json:"out"`
	Batch     int    `json:"batch"`
	Threads   int    `json:"threads"`
	Precision string `json:"precision"`
	N         int    `json:"n"`
}

type worker struct {
	model  *lxmert.LxmertForQuestionAnswering
	inputs map[int]lxmert.Inputs
	scope  *binding.Scope // owns the inputs
}

func main() {
	// One OS thread for every libtorch call: OpenMP settings are per thread.
	runtime.LockOSThread()
	model := flag.String("model", "", "model folder (standalone mode)")
	inputs := flag.String("inputs", "", "inputs safetensors (standalone mode)")
	threads := flag.Int("threads", 2, "intra-op threads (standalone mode)")
	prec := flag.String("precision", "fp32", "fp32, bf16 or int8 (standalone mode)")
	n := flag.Int("n", 20, "forwards to time (standalone mode)")
	flag.Parse()
	w := &worker{inputs: map[int]lxmert.Inputs{}, scope: binding.NewScope()}
	if *model != "" {
		if err := w.standalone(*model, *inputs, *threads, *prec, *n); err != nil {
			fmt.Fprintln(os.Stderr, "benchgo:", err)
			os.Exit(1)
		}
		return
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var c command
		var reply map[string]any
		err := json.Unmarshal(in.Bytes(), &c)
		if err == nil {
			reply, err = w.do(c)
		}
		if err != nil {
			reply = map[string]any{"error": err.Error()}
		}
		if reply == nil {
			reply = map[string]any{}
		}
		if err := enc.Encode(reply); err != nil {
			os.Exit(1)
		}
	}
}

func (w *worker) standalone(model, inputs string, threads int, prec string, n int) error {
	l, err := w.do(command{Op: "load", Model: model})
	if err != nil {
		return err
	}
	fmt.Printf("load %.2f s\n", l["load_s"])
	if _, err := w.do(command{Op: "inputs", Batch: 0, Path: inputs}); err != nil {
		return err
	}
	r, err := w.do(command{Op: "run", Batch: 0, Threads: threads, Precision: prec, N: n})
	if err != nil {
		return err
	}
	ms, cpu := r["ms"].([]float64), r["cpu_ms"].([]float64)
	sort.Float64s(ms)
	sort.Float64s(cpu)
	fmt.Printf("median %.1f ms (CPU %.1f ms), min %.1f ms (CPU %.1f ms) over %d forwards\n",
		ms[len(ms)/2], cpu[len(cpu)/2], ms[0], cpu[0], len(ms))
	return nil
}

func (w *worker) do(c command) (map[string]any, error) {
	switch c.Op {
	case "load":
		start := time.Now()
		m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(c.Model)
		if err != nil {
			return nil, err
		}
		w.model = m
		return map[string]any{"load_s": time.Since(start).Seconds()}, nil
	case "inputs":
		return nil, w.readInputs(c.Batch, c.Path)
	case "run":
		return w.run(c)
	case "answers":
		return nil, w.answers(c)
	case "mem":
		return memory()
	}
	return nil, fmt.Errorf("unknown op %q", c.Op)
}

func (w *worker) readInputs(batch int, path string) error {
	sd, _, err := weights.ReadSafetensors(path)
	if err != nil {
		return err
	}
	get := func(name string, dt binding.DType) binding.Tensor {
		t, ok := sd.Get(name)
		if !ok {
			w.scope.Fail(fmt.Errorf("%s: no tensor %q", path, name))
			return binding.Tensor{}
		}
		return w.scope.FromBytes(t.Data, dt, t.Shape...)
	}
	in := lxmert.Inputs{
		InputIDs: get("input_ids", binding.Int64), AttentionMask: get("attention_mask", binding.Int64),
		VisualFeats: get("visual_feats", binding.Float32), VisualPos: get("visual_pos", binding.Float32),
	}
	w.inputs[batch] = in
	return w.scope.Err()
}

// forward runs one forward and returns the scores' owner (close it) or an error.
func (w *worker) forward(batch int, prec string) (*lxmert.LxmertForQuestionAnsweringOutput, error) {
	if w.model == nil {
		return nil, fmt.Errorf("no model loaded")
	}
	in, ok := w.inputs[batch]
	if !ok {
		return nil, fmt.Errorf("no inputs for batch %d", batch)
	}
	p, err := lxmert.ParsePrecision(prec)
	if err != nil {
		return nil, err
	}
	return w.model.Forward(in, nil, lxmert.Options{Precision: p})
}

func (w *worker) run(c command) (map[string]any, error) {
	// Only on a change: LibTorch's set_num_threads also resets state (its thread pool, oneDNN
	// caches) that the next forward rebuilds, measured at ~12 ms at batch 1. The Python
	// workers do the same.
	if binding.NumThreads() != c.Threads {
		if err := binding.SetNumThreads(c.Threads); err != nil {
			return nil, err
		}
	}
	ms, cpu := make([]float64, 0, c.N), make([]float64, 0, c.N)
	for i := 0; i < max(c.N, 1); i++ {
		start, cpu0 := time.Now(), cpuMillis()
		out, err := w.forward(c.Batch, c.Precision)
		if err != nil {
			return nil, err
		}
		out.Close()
		ms = append(ms, float64(time.Since(start).Microseconds())/1000)
		cpu = append(cpu, cpuMillis()-cpu0)
	}
	return map[string]any{"ms": ms, "cpu_ms": cpu}, nil
}

// cpuMillis is the CPU time of the whole process (every thread), user and system.
func cpuMillis() float64 {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return float64(u.Utime.Nano()+u.Stime.Nano()) / 1e6
}

func (w *worker) answers(c command) error {
	out, err := w.forward(c.Batch, c.Precision)
	if err != nil {
		return err
	}
	defer out.Close()
	s := binding.NewScope()
	defer s.Close()
	probs := s.Softmax(out.QuestionAnsweringScore, -1)
	shape, err := binding.Shape(probs)
	if err != nil {
		return err
	}
	v := s.Float32s(probs)
	if err := s.Err(); err != nil {
		return err
	}
	t, err := weights.FromFloat32("probs", shape, v)
	if err != nil {
		return err
	}
	sd := weights.NewStateDict()
	sd.Set(t)
	return weights.WriteSafetensors(c.Out, sd, nil)
}

// memory reads the process's peak and current resident set from /proc.
func memory() (map[string]any, error) {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, line := range strings.Split(string(raw), "\n") {
		var kb float64
		if _, err := fmt.Sscanf(line, "VmHWM: %f kB", &kb); err == nil {
			out["peak_mb"] = kb / 1024
		}
		if _, err := fmt.Sscanf(line, "VmRSS: %f kB", &kb); err == nil {
			out["rss_mb"] = kb / 1024
		}
	}
	return out, nil
}
