package lxmert

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// noDropoutQA is the tiny QA model with dropout 0, so that train-mode forwards give the
// eval result and every forward can be checked against one reference.
func noDropoutQA(t *testing.T) *LxmertForQuestionAnswering {
	dir := tinyCases + "tiny-qa"
	c, err := LoadConfig(dir)
	require.NoError(t, err)
	c.HiddenDropoutProb, c.AttentionProbsDropoutProb = 0, 0
	m, err := NewLxmertForQuestionAnswering(c)
	require.NoError(t, err)
	sd, err := ReadCheckpoint(dir)
	require.NoError(t, err)
	require.NoError(t, m.LoadStateDict(sd))
	return m
}

// Forwards run while other goroutines load, resize, replace the answer layer, switch modes,
// zero gradients and finally close the model: exclusive operations wait for running
// forwards, every forward either matches the reference (the first 9 answers, which every
// operation here preserves) or, once the model is closed, returns ErrClosed. Run with -race
// (make test does) this also proves there is no data race between them.
func TestConcurrentForwardsAndExclusiveOps(t *testing.T) {
	m := noDropoutQA(t)
	defer m.Close()
	setup := binding.NewScope()
	defer setup.Close()
	l := m.GetQALogitLayer()
	w, b := setup.Clone(l.Weight.T), setup.Clone(l.Bias.T)
	sd, err := m.StateDict()
	require.NoError(t, err)
	ref := func() []float32 {
		s := binding.NewScope()
		defer s.Close()
		out, err := m.ForwardScope(s, goodInputs(s), nil, Options{})
		require.NoError(t, err)
		return s.Float32s(out.QuestionAnsweringScore)
	}()
	require.NoError(t, setup.Err())

	var forwards, closedSeen atomic.Int64
	failures := make(chan string, 64)
	fail := func(format string, a ...any) {
		select {
		case failures <- fmt.Sprintf(format, a...):
		default:
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; ; i++ {
				s := binding.NewScope()
				var scores []float32
				var err error
				if (g+i)%2 == 0 {
					var out *LxmertForQuestionAnsweringOutput
					if out, err = m.ForwardScope(s, goodInputs(s), nil, Options{OutputAttentions: i%3 == 0}); err == nil {
						scores = s.Float32s(out.QuestionAnsweringScore)
					}
				} else {
					var out *LxmertForQuestionAnsweringOutput
					if out, err = m.Forward(goodInputs(s), nil, Options{}); err == nil {
						scores = s.Float32s(out.QuestionAnsweringScore)
						out.Close()
					}
				}
				s.Close()
				switch {
				case errors.Is(err, ErrClosed):
					closedSeen.Add(1)
					return
				case err != nil:
					fail("forward: %v", err)
					return
				case len(scores) < 9 || !equal(scores[:9], ref):
					fail("forward gave %v, want %v", scores, ref)
					return
				}
				forwards.Add(1)
				if i%5 == 0 {
					runtime.GC()
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		}(g)
	}
	ops := []func() error{
		func() error { return m.ResizeNumQALabels(12) },
		func() error { return m.ResizeNumQALabels(9) },
		func() error { return m.LoadStateDict(sd) },
		func() error { return m.SetQALogitLayer(w, b) },
		func() error { m.Train(); return nil },
		func() error { m.Eval(); return nil },
		func() error { return m.ZeroGrad() },
		func() error { _, err := m.StateDict(); return err },
	}
	for round := 0; round < 6; round++ {
		for i, op := range ops {
			if err := op(); err != nil {
				fail("operation %d: %v", i, err)
			}
		}
	}
	m.Close() // while forwards still run
	close(stop)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	t.Logf("%d forwards checked; %d goroutines saw ErrClosed", forwards.Load(), closedSeen.Load())
	require.Positive(t, forwards.Load())
	_, err = m.Forward(goodInputs(setup), nil, Options{})
	require.ErrorIs(t, err, ErrClosed)
}
