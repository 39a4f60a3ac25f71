package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertEmbeddings sums word, position and token-type embeddings, then LayerNorm and dropout.
type LxmertEmbeddings struct {
	WordEmbeddings, PositionEmbeddings, TokenTypeEmbeddings *Param
	LayerNorm                                               *LayerNorm
	dropout                                                 float64
}

func newEmbeddings(p *params, name string, c *LxmertConfig) *LxmertEmbeddings {
	h := int64(c.HiddenSize)
	return &LxmertEmbeddings{
		WordEmbeddings:      p.add(name+".word_embeddings.weight", initEmbedding, int64(c.VocabSize), h),
		PositionEmbeddings:  p.add(name+".position_embeddings.weight", initEmbedding, int64(c.MaxPositionEmbeddings), h),
		TokenTypeEmbeddings: p.add(name+".token_type_embeddings.weight", initEmbedding, int64(c.TypeVocabSize), h),
		LayerNorm:           newLayerNorm(p, name+".LayerNorm", c.HiddenSize),
		dropout:             c.HiddenDropoutProb,
	}
}

// forward embeds ids [B, L] (or takes inputsEmbeds [B, L, H] when ids is absent); position
// ids are always 0..L-1 and missing token types are zeros, as in HF.
func (e *LxmertEmbeddings) forward(r run, ids, tokenTypes, inputsEmbeds binding.Tensor, batch, length int64) binding.Tensor {
	s := r.s
	words := inputsEmbeds
	if !ids.IsNil() {
		words = s.Embedding(e.WordEmbeddings.T, ids, 0)
	}
	pos := s.Embedding(e.PositionEmbeddings.T, s.Arange(length, binding.Int64), 0)
	if tokenTypes.IsNil() {
		tokenTypes = s.Zeros(binding.Int64, batch, length)
	}
	types := s.Embedding(e.TokenTypeEmbeddings.T, tokenTypes, 0)
	x := s.Add(s.Add(words, pos), types)
	return r.dropout(e.LayerNorm.forward(r, x), e.dropout)
}
