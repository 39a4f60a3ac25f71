package lxmert

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// One model serves eight goroutines at once (parameters are shared read-only, every forward has
// its own scope); with GCs forced in between, every result equals the sequential one.
func TestConcurrentForwards(t *testing.T) {
	m := tinyQA(t)
	score := func() []float32 {
		s := binding.NewScope()
		defer s.Close()
		out, err := m.ForwardScope(s, goodInputs(s), binding.Tensor{}, Options{OutputAttentions: true})
		if err != nil {
			return nil
		}
		return s.Float32s(out.QuestionAnsweringScore)
	}
	want := score()
	require.NotEmpty(t, want)
	var wg sync.WaitGroup
	bad := make(chan []float32, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				if got := score(); !equal(got, want) {
					bad <- got
					return
				}
				runtime.GC()
			}
		}()
	}
	wg.Wait()
	close(bad)
	for got := range bad {
		t.Fatalf("concurrent forward gave %v, want %v", got, want)
	}
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
