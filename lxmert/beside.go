package lxmert

import (
	"sync"
	"sync/atomic"

	"github.com/lxmert-go/golxmert/binding"
)

// langBeside runs the language layers as one stack on a C++ helper thread
// (binding.FastStack), after the feature encoder on fc when not nil, while this goroutine
// runs visn, each side with its share of the intra-op threads, and returns the language
// output; the hidden states and probabilities go to st. The sides are independent until the
// cross layers, and at LXMERT's shapes two single-threaded streams of GEMMs beat one
// two-threaded stream (no fork and join per op, no split of small matrices); with 20 tokens
// and 36 boxes their work is even (9 language layers of 20 rows, 5 relation layers of 36 and
// the feature encoder).
func (e *LxmertEncoder) langBeside(r run, st *encoderStates, lang, mask binding.Tensor, wantProbs bool, fc *binding.FastFeatures, visn func(run, *binding.FastStack)) binding.Tensor {
	rl, rv := r.sideRuns()
	atts := make([]*binding.FastAttention, len(e.Layer))
	ffns := make([]*binding.FastFFN, len(e.Layer))
	for i, l := range e.Layer {
		atts[i], ffns[i] = fastAttention(l.Attention.Self, l.Attention.Output), l.Intermediate.fastFFN(l.Output)
	}
	r.check()
	job := r.s.StartFastStack(r.fast, fastConfig(rl, e.Layer[0].Attention.cfg), atts, ffns, lang, mask, wantProbs, fc)
	// A forward cancelled while the sides run stops the stack at its next layer.
	var stopped atomic.Bool
	var watcher sync.WaitGroup
	finished := make(chan struct{})
	if done := r.ctxDone(); done != nil {
		watcher.Add(1)
		go func() {
			defer watcher.Done()
			select {
			case <-done:
				stopped.Store(true)
				job.Stop()
			case <-finished:
			}
		}()
	}
	visn(rv, job)
	close(finished)
	watcher.Wait()
	if stopped.Load() {
		r.check() // the context's error comes first, not the stopped stack's
	}
	outs, probs := r.s.WaitFastStack(job)
	if len(outs) == 0 {
		return binding.Tensor{} // the scope has failed
	}
	st.langHidden = append(st.langHidden, outs...)
	st.langAttn = append(st.langAttn, probs...)
	return outs[len(outs)-1]
}

// visnSplit is how many examples' regions the language stack projects (the visual feature
// encoder) for the vision side before its layers, 0 for none. From batch 4 the two sides'
// layers cost the same (same FLOPs, both compute-bound), so the feature encoder alone made
// the vision side the longer: 216-227 against 212-215 ms at batch 8. Below, the language
// side's few-row GEMMs wait on memory and it is the longer one.
func visnSplit(feats binding.Tensor) int64 {
	if b := batchOf(feats); b >= 4 {
		return b / 2
	}
	return 0
}

// batchOf is a [batch, ...] tensor's batch size, 0 if it has no shape.
func batchOf(t binding.Tensor) int64 {
	sh, err := binding.Shape(t)
	if err != nil || len(sh) == 0 {
		return 0
	}
	return sh[0]
}
