package lxmert_test

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
)

// Load a question-answering checkpoint and score the answers for one question and image.
func ExampleLxmertForQuestionAnsweringFromPretrained() {
	m, err := lxmert.LxmertForQuestionAnsweringFromPretrained("../tests/testdata/parity/tiny-qa")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()

	s := binding.NewScope() // owns every tensor below
	defer s.Close()
	in := lxmert.Inputs{
		InputIDs:    s.FromInt64([]int64{101, 7, 9, 102}, 1, 4),
		VisualFeats: s.Full(binding.Float32, 0.1, 1, 36, int64(m.Config.VisualFeatDim)),
		VisualPos:   s.Full(binding.Float32, 0.5, 1, 36, 4),
	}
	out, err := m.ForwardScope(s, in, nil, lxmert.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// HF gives the same two answers and probabilities (0.1549, 0.1416) for these inputs.
	prob, best := s.TopK(s.Softmax(out.QuestionAnsweringScore, -1), 2, -1)
	p := s.Float32s(prob)
	fmt.Printf("scores %v; best answers %v with probabilities %.3f, %.3f\n",
		s.Shape(out.QuestionAnsweringScore), s.Int64s(best), p[0], p[1])
	// Output: scores [1 9]; best answers [0 6] with probabilities 0.155, 0.142
}

// Errors name the input and what is wrong with it.
func ExampleInputError() {
	m, err := lxmert.NewLxmertModel(&lxmert.LxmertConfig{
		VocabSize: 50, HiddenSize: 8, NumAttentionHeads: 2, NumQALabels: 3, NumObjectLabels: 3,
		NumAttrLabels: 3, IntermediateSize: 16, HiddenAct: "gelu", MaxPositionEmbeddings: 16,
		TypeVocabSize: 2, InitializerRange: 0.02, LLayers: 1, XLayers: 1, RLayers: 1,
		VisualFeatDim: 6, VisualPosDim: 4,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	_, err = m.ForwardScope(s, lxmert.Inputs{
		InputIDs:    s.FromInt64([]int64{1, 2, 3}, 1, 3),
		VisualFeats: s.Zeros(binding.Float32, 1, 10, 2048),
		VisualPos:   s.Zeros(binding.Float32, 1, 10, 4),
	}, lxmert.Options{})
	fmt.Println(err)
	// Output: lxmert input visual_feats: expected shape [1 * 6], got [1 10 2048]
}
