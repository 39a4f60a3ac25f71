package main

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
)

func runPhase(phase string, c config) (result, error) {
	switch phase {
	case "tiny":
		m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(c.model)
		if err != nil {
			return result{}, err
		}
		defer m.Close()
		return flat(phase, m, c.tiny, 20, 36)
	case "base":
		cfg := lxmert.DefaultConfig()
		cfg.NumQALabels = 3129
		m, err := lxmert.NewLxmertForQuestionAnswering(cfg)
		if err != nil {
			return result{}, err
		}
		defer m.Close()
		return flat(phase, m, c.base, 20, 36)
	case "concurrent":
		m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(c.model)
		if err != nil {
			return result{}, err
		}
		defer m.Close()
		return concurrent(m, c.goroutines, c.each)
	}
	return result{}, fmt.Errorf("unknown phase %q", phase)
}

// input is one forward's host data: ids, features and boxes of a given length and box count.
type input struct {
	ids          []int64
	feats, boxes []float32
	l, n         int64
}

func randomInput(rng *rand.Rand, cfg *lxmert.LxmertConfig, maxLen, maxBoxes int) input {
	l, n := int64(2+rng.Intn(maxLen-1)), int64(1+rng.Intn(maxBoxes))
	in := input{l: l, n: n, ids: make([]int64, l), feats: make([]float32, n*int64(cfg.VisualFeatDim)), boxes: make([]float32, n*4)}
	for i := range in.ids {
		in.ids[i] = rng.Int63n(int64(cfg.VocabSize))
	}
	for i := range in.feats {
		in.feats[i] = rng.Float32()
	}
	for i := range in.boxes {
		in.boxes[i] = rng.Float32()
	}
	return in
}

// forward runs one eval forward and returns the answer scores.
func forward(m *lxmert.LxmertForQuestionAnswering, in input) ([]float32, error) {
	s := binding.NewScope()
	defer s.Close()
	fd := int64(m.Config.VisualFeatDim)
	x := lxmert.Inputs{InputIDs: s.FromInt64(in.ids, 1, in.l), VisualFeats: s.FromFloat32(in.feats, 1, in.n, fd),
		VisualPos: s.FromFloat32(in.boxes, 1, in.n, 4)}
	out, err := m.Forward(x, nil, lxmert.Options{})
	if err != nil {
		return nil, err
	}
	defer out.Close()
	v := s.Float32s(out.QuestionAnsweringScore)
	return v, s.Err()
}

// rssMB is the resident set after a collection, in MB.
func rssMB() float64 {
	runtime.GC()
	debug.FreeOSMemory()
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident int64
	fmt.Sscan(string(raw), &size, &resident)
	return float64(resident*int64(os.Getpagesize())) / 1e6
}

// flat runs n forwards on varied inputs; RSS is measured after a tenth of them (warm-up) and
// at the end.
func flat(phase string, m *lxmert.LxmertForQuestionAnswering, n, maxLen, maxBoxes int) (result, error) {
	rng := rand.New(rand.NewSource(1))
	inputs := make([]input, 64)
	for i := range inputs {
		inputs[i] = randomInput(rng, m.Config, maxLen, maxBoxes)
	}
	start := time.Now()
	r := result{Phase: phase}
	warm := max(n/10, 1)
	for i := 0; i < n; i++ {
		if i == warm {
			r.RSSBeforeMB = rssMB()
		}
		if _, err := forward(m, inputs[i%len(inputs)]); err != nil {
			return r, fmt.Errorf("forward %d: %w", i, err)
		}
		r.Forwards++
	}
	r.RSSAfterMB = rssMB()
	if r.RSSBeforeMB > 0 {
		r.RSSGrowthPct = 100 * (r.RSSAfterMB - r.RSSBeforeMB) / r.RSSBeforeMB
	}
	r.Seconds = time.Since(start).Seconds()
	r.LiveTensors = binding.LiveTensors()
	r.TensorCacheMB = float64(binding.TensorCacheBytes()) / 1e6
	return r, nil
}

// concurrent computes each goroutine's inputs' results one by one, then runs all goroutines at
// once and compares (1e-5 + 1e-4·|ref|, the parity tolerance: threads may split work differently).
func concurrent(m *lxmert.LxmertForQuestionAnswering, goroutines, each int) (result, error) {
	start := time.Now()
	r := result{Phase: "concurrent"}
	rng := rand.New(rand.NewSource(2))
	inputs := make([][]input, goroutines)
	want := make([][][]float32, goroutines)
	for g := range inputs {
		for i := 0; i < each; i++ {
			in := randomInput(rng, m.Config, 20, 36)
			v, err := forward(m, in)
			if err != nil {
				return r, err
			}
			inputs[g] = append(inputs[g], in)
			want[g] = append(want[g], v)
			r.Forwards++
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var firstErr error
	for g := range inputs {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i, in := range inputs[g] {
				got, err := forward(m, in)
				mu.Lock()
				r.Forwards++
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil && !within(got, want[g][i]) {
					r.Mismatches++
				}
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	r.Seconds = time.Since(start).Seconds()
	r.LiveTensors = binding.LiveTensors()
	return r, firstErr
}

func within(got, want []float32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= 1e-5+1e-4*math.Abs(float64(want[i]))) {
			return false
		}
	}
	return true
}
