package scenes

import (
	"fmt"
	"math/rand/v2"
)

// Type is a question family.
type Type string

// The five question types.
const (
	TypeAttribute Type = "attribute" // what color is the large metal cube?
	TypeExist     Type = "exist"     // is there a red sphere?
	TypeCount     Type = "count"     // how many cubes are there?
	TypeSpatial   Type = "spatial"   // is the red cube left of the blue sphere?
	TypeCompare   Type = "compare"   // are there more cubes than spheres?
)

// Types lists the five evaluated question types in a fixed order.
func Types() []Type {
	return []Type{TypeAttribute, TypeExist, TypeCount, TypeSpatial, TypeCompare}
}

// AllTypes is Types followed by the training-only types (TypePosition), which only a Mix
// that names them asks.
func AllTypes() []Type { return append(Types(), TypePosition) }

// Question is one generated question with its answer (a member of Answers()).
type Question struct {
	ID      string // "<image id>_q03"
	ImageID string
	Text    string
	Answer  string
	Type    Type
}

// Mix weighs the question types of AllTypes (relative, need not sum to 1). A nil Mix weighs
// the five Types equally; types missing from a non-nil Mix are not asked.
type Mix map[Type]float64

// Questions asks up to k distinct questions about s with every type equally likely. It
// returns fewer only when the scene runs out of distinct questions.
func Questions(s *Scene, rng *rand.Rand, k int) []Question {
	qs, _ := QuestionsMix(s, rng, k, nil) // a nil Mix is always valid
	return qs
}

// QuestionsMix is Questions with the types weighed by mix.
func QuestionsMix(s *Scene, rng *rand.Rand, k int, mix Mix) ([]Question, error) {
	weights, err := mix.weights()
	if err != nil {
		return nil, err
	}
	if s == nil || len(s.Objects) == 0 {
		return nil, fmt.Errorf("scenes: no scene (or a scene without objects) to ask about")
	}
	g := &asker{objs: s.Objects, all: indexes(len(s.Objects)), rng: rng,
		w: float64(s.Width), h: float64(s.Height)}
	seen := map[string]bool{}
	var out []Question
	// Retrying within the drawn type keeps the type shares close to the mix even when a
	// scene makes one type hard to ask.
	for slots := 0; len(out) < k && slots < 4*k+4; slots++ {
		t := AllTypes()[pick(rng, weights)]
		want := rng.IntN(2) == 0
		for try := 0; try < 8; try++ {
			text, ans, ok := g.ask(t, want)
			if !ok || seen[text] {
				continue
			}
			seen[text] = true
			out = append(out, Question{ID: fmt.Sprintf("%s_q%02d", s.ID, len(out)), ImageID: s.ID,
				Text: text, Answer: ans, Type: t})
			break
		}
	}
	return out, nil
}

func (m Mix) weights() ([]float64, error) {
	types := AllTypes()
	w := make([]float64, len(types))
	if m == nil {
		for i := range Types() {
			w[i] = 1
		}
		return w, nil
	}
	known := map[Type]bool{}
	sum := 0.0
	for i, t := range types {
		known[t] = true
		w[i] = m[t]
		if !(w[i] >= 0) || w[i] > 1e9 {
			return nil, fmt.Errorf("scenes: weight %g for %s questions, want a finite value >= 0", w[i], t)
		}
		sum += w[i]
	}
	for t := range m {
		if !known[t] {
			return nil, fmt.Errorf("scenes: unknown question type %q", t)
		}
	}
	if sum == 0 {
		return nil, fmt.Errorf("scenes: question mix gives every type weight 0")
	}
	return w, nil
}

// pick draws an index with probability proportional to w.
func pick(rng *rand.Rand, w []float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	r := rng.Float64() * sum
	for i, x := range w {
		if r < x {
			return i
		}
		r -= x
	}
	for i := len(w) - 1; i > 0; i-- { // rounding: the last type that can be drawn
		if w[i] > 0 {
			return i
		}
	}
	return 0
}
