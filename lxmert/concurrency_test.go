package lxmert

import (
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// One model serves eight goroutines at once (parameters are shared read-only, every forward has
// its own scope); with GCs forced in between, every result matches the sequential one within
// the parity tolerance (OpenMP may split work differently on another thread count).
func TestConcurrentForwards(t *testing.T) {
	m := tinyQA(t)
	score := func() []float32 {
		s := binding.NewScope()
		defer s.Close()
		out, err := m.ForwardScope(s, goodInputs(s), nil, Options{OutputAttentions: true})
		if err != nil {
			return nil
		}
		return s.Float32s(out.QuestionAnsweringScore)
	}
	want := score()
	require.NotEmpty(t, want)
	agreeAtOnce(t, 8, 20, want, func() []float32 {
		got := score()
		runtime.GC()
		return got
	})
}

// agreeAtOnce runs score rounds times in each of goroutines goroutines at once and fails the
// test with the first result that does not match want within the parity tolerance.
func agreeAtOnce(t *testing.T, goroutines, rounds int, want []float32, score func() []float32) {
	t.Helper()
	var wg sync.WaitGroup
	bad := make(chan []float32, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				if got := score(); !equal(got, want) {
					bad <- got
					return
				}
			}
		}()
	}
	wg.Wait()
	close(bad)
	for got := range bad {
		t.Fatalf("concurrent forward gave %v, want %v", got, want)
	}
}

// equal reports whether got matches want within the parity tolerance.
func equal(got, want []float32) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if !(d <= absTol+relTol*math.Abs(float64(want[i]))) {
			return false
		}
	}
	return true
}

// int8 forwards from eight goroutines at once on a model none has run yet: the first ones
// race to make the int8 weight copies (one per weight, under the context's lock), and every
// result matches a sequential int8 forward of a second copy of the model.
func TestConcurrentInt8Forwards(t *testing.T) {
	m, ref := tinyQA(t), tinyQA(t)
	score := func(m *LxmertForQuestionAnswering) []float32 {
		s := binding.NewScope()
		defer s.Close()
		out, err := m.ForwardScope(s, goodInputs(s), nil, Options{Precision: PrecisionInt8})
		if err != nil {
			return nil
		}
		return s.Float32s(out.QuestionAnsweringScore)
	}
	want := score(ref)
	require.NotEmpty(t, want)
	agreeAtOnce(t, 8, 10, want, func() []float32 { return score(m) })
}
