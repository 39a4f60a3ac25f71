package answer

import "sort"

// rank returns the topK answers by probability (ties: lower label id first).
func (a *Answerer) rank(p []float32) []Answer { return a.rankK(p, a.topK) }

// rankK returns the k most probable answers (ties: lower label id first).
func (a *Answerer) rankK(p []float32, k int) []Answer {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return p[idx[i]] > p[idx[j]] })
	k = min(k, len(idx))
	out := make([]Answer, k)
	for i := 0; i < k; i++ {
		out[i] = Answer{Answer: a.Labels.Names[idx[i]], Prob: float64(p[idx[i]])}
	}
	return out
}

// WithTopK returns a shallow copy answering with k answers per question (k ≥ 1).
func (a *Answerer) WithTopK(k int) *Answerer {
	c := *a
	c.topK = max(1, k)
	return &c
}
