package lxmert

import (
	"sync/atomic"

	"github.com/lxmert-go/golxmert/binding"
)

// twoBranches reports whether a forward runs LXMERT's language and vision sides at once: on
// the fast path with two or more intra-op threads. The sides are independent between
// cross-attentions, and at LXMERT's shapes two single-threaded streams of GEMMs beat one
// two-threaded stream: no fork and join per op (milliseconds each on a busy machine), no
// split of small matrices. With 20 tokens and 36 boxes the work is even (9 language layers
// of 20 rows, 5 relation layers of 36).
func (r run) twoBranches() bool { return r.fast != nil && r.threads == 0 && binding.NumThreads() >= 2 }

// sideRuns are the runs of a forward's two sides at once (the language side on a helper
// thread, the vision side on the calling goroutine): half the intra-op threads each.
func (r run) sideRuns() (lang, visn run) {
	n := binding.NumThreads()
	lang, visn = r, r
	lang.threads, visn.threads = max(1, n/2), max(1, n-n/2)
	return lang, visn
}

// callThreads is the team size of a fast call outside the branches: one thread on a lone
// (small two-branch) forward, where a parallel region costs a wake-up and leaves an OpenMP
// worker spinning on the core the next branch needs; r.threads otherwise.
func (r run) callThreads() int {
	if r.lone && r.threads == 0 {
		return 1
	}
	return r.threads
}

// crossThreads is the team size of an X-layer's calls outside the two-thread kernels
// (binding.FastXLayerPair and FastXLayerFirstPair, which split every step between two
// threads and serve a forward alone, run.pair) in a two-branch forward: one thread while the
// X-layer is small (see xBranches), every intra-op thread (0) above that.
func crossThreads(lang, visn binding.Tensor) int {
	if xBranches(lang, visn) {
		return 1
	}
	return 0
}

// fewRows: batch examples of tokens + boxes rows are few enough for one thread per call.
func fewRows(batch, tokens, boxes int64) bool { return batch*(tokens+boxes) < 1024 }

// xSplitRows is the row count (batch × (tokens + boxes)) from which the X-layer of a forward
// that does not run alone (run.pair false: another forward in flight, many rows, int8) runs
// as one stream of two-threaded (OpenMP) calls; below it the cross-attention runs on one
// thread and then each side on its own. Measured at 2 threads on the base model: batch 1 (56
// rows) 79 ms by side against 82 ms as one stream; batch 8 (448 rows) 497 against 427 ms;
// batch 32, 1,753 against 1,577 ms. A forward alone shares every step between two threads
// at every size below 1,024 rows (fewRows): at batch 8 as fast as one stream back to back,
// and 2% faster with other processes running between forwards (the OpenMP worker then
// starts each forward's first X-layer cold: medians 421/420/427/424 against
// 435/419/443/434 ms, interleaved with HF and ORT workers).
const xSplitRows = 256

// xBranches reports whether an X-layer on these inputs is small (below xSplitRows rows).
func xBranches(lang, visn binding.Tensor) bool {
	l, err1 := binding.Shape(lang)
	v, err2 := binding.Shape(visn)
	return err1 != nil || err2 != nil || len(l) != 3 || len(v) != 3 || l[0]*(l[1]+v[1]) < xSplitRows
}

// inFlight counts the fast-path forwards running in the process. Two threads share the steps
// of a forward (binding.FastXLayerPair and friends) only when it runs alone: their spin
// barriers would burn the cores other forwards' threads want. Measured, 4 and 8 goroutines
// each running batch-1 forwards at 2 threads: 75 ms per forward with shared steps in every
// forward, 67 ms with sides as branches.
var inFlight atomic.Int32

// enter marks a forward on in as in flight (once: a head model's forward enters for its
// backbone too) and decides r.lone and r.pair; call leave when the forward ends. A
// two-branch forward runs LibTorch's own operators on one thread (binding.SerialOps):
// measured at batch 8, their teams' spinning worker took 15 ms of CPU per forward from
// the branches.
func (r run) enter(in Inputs) (_ run, leave func()) {
	if r.entered {
		return r, func() {}
	}
	r.entered = true
	r.lone = r.loneFor(in)
	n := inFlight.Add(1)
	r.pair = r.lone && n == 1
	restore := func() {}
	if r.twoBranches() {
		restore = binding.SerialOps()
	}
	return r, func() {
		restore()
		inFlight.Add(-1)
	}
}

// loneFor reports whether a forward on in is lone: two branches and few rows.
func (r run) loneFor(in Inputs) bool {
	if !r.twoBranches() {
		return false
	}
	t := in.InputIDs
	if !present(t) {
		t = in.InputsEmbeds
	}
	l, err1 := binding.Shape(t)
	v, err2 := binding.Shape(in.VisualFeats)
	return err1 == nil && err2 == nil && len(l) >= 2 && len(v) == 3 && fewRows(l[0], l[1], v[1])
}
