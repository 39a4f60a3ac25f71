package scenes

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

// asker makes questions about one scene. Each template first lists every instance that
// is answerable without ambiguity (and, for yes/no templates, has the wanted answer, drawn
// 50/50), then picks one at random, so a template fails only when the scene has none.
type asker struct {
	objs []Object
	all  []int
	rng  *rand.Rand
	w, h float64
}

// ask returns a question of type t, its answer, and false when the scene allows none.
// Yes/no templates answer want; the caller draws it once per question and keeps it across
// retries, since retrying with a fresh draw would favour the answer with more distinct
// questions.
func (g *asker) ask(t Type, want bool) (text, answer string, ok bool) {
	switch t {
	case TypeAttribute:
		return g.attribute()
	case TypeExist:
		return g.exist(want)
	case TypeCount:
		return g.count()
	case TypeSpatial:
		if g.rng.IntN(2) == 0 {
			return g.spatialQuery()
		}
		return g.spatialYesNo(want)
	case TypeCompare:
		if g.rng.IntN(2) == 0 {
			return g.sameAttr(want)
		}
		return g.moreFewer(want)
	case TypePosition:
		return g.position(want)
	}
	return "", "", false
}

func yesno(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// attribute: "what color is the large metal cube?" (the description avoids the asked
// attribute).
func (g *asker) attribute() (string, string, bool) {
	type inst struct {
		i int
		a Attr
	}
	var cands []inst
	for i := range g.objs {
		for a := Attr(0); a < NumAttrs; a++ {
			if referable(g.objs, i, g.all, 1<<a) {
				cands = append(cands, inst{i, a})
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	f, _ := refer(g.rng, g.objs, c.i, g.all, 1<<c.a)
	return fmt.Sprintf("what %s is the %s?", c.a, f.phrase(false)), g.objs[c.i].Value(c.a), true
}

var existFilters = allFilters(masksUpTo(1, NumAttrs))

// exist: "is there a red sphere?"
func (g *asker) exist(want bool) (string, string, bool) {
	var cands []filter
	for _, f := range existFilters {
		if (f.count(g.objs) > 0) == want {
			cands = append(cands, f)
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	p := cands[g.rng.IntN(len(cands))].phrase(false)
	return fmt.Sprintf("is there %s %s?", article(p), p), yesno(want), true
}

var countFilters = allFilters(masksUpTo(0, NumAttrs))

// count: "how many red cubes are there?" The answer is drawn from the counts the scene
// allows, weighted towards large ones (which few descriptions reach) so that answers are
// not mostly 0-2.
func (g *asker) count() (string, string, bool) {
	byCount := map[int][]filter{}
	var counts []int // in first-seen order, which is fixed
	for _, f := range countFilters {
		c := f.count(g.objs)
		if byCount[c] == nil {
			counts = append(counts, c)
		}
		byCount[c] = append(byCount[c], f)
	}
	w := make([]float64, len(counts))
	for i, c := range counts {
		w[i] = 1 + float64(c)/2
	}
	c := counts[pick(g.rng, w)]
	fs := byCount[c]
	f := fs[g.rng.IntN(len(fs))]
	return fmt.Sprintf("how many %s are there?", f.phrase(true)), strconv.Itoa(c), true
}
