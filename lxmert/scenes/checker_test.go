package scenes

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// This checker answers questions from their text and the scene's objects alone. It is
// written apart from the generator (its own parser, relation test and counting) so that it
// catches wrong answers and ambiguous references rather than repeating the same mistake.

var (
	chkWords = map[string][2]int{} // word -> (attribute, value)
	chkNouns = map[string]int{"cube": 0, "sphere": 1, "cylinder": 2, "cubes": 0, "spheres": 1, "cylinders": 2}
)

func init() {
	for i, w := range []string{"small", "large"} {
		chkWords[w] = [2]int{0, i}
	}
	for i, w := range []string{"red", "blue", "green", "yellow", "purple", "gray", "brown", "cyan"} {
		chkWords[w] = [2]int{1, i}
	}
	for i, w := range []string{"rubber", "metal"} {
		chkWords[w] = [2]int{2, i}
	}
}

// chkDesc is a parsed description: attribute -> required value.
type chkDesc map[int]int

func (d chkDesc) match(o Object) bool {
	for a, v := range d {
		if o.Values[a] != v {
			return false
		}
	}
	return true
}

// parseDesc reads "large red metal cube" / "objects" from the front of words and returns
// the rest.
func parseDesc(t *testing.T, words []string) (chkDesc, []string) {
	d := chkDesc{}
	for i, w := range words {
		if av, ok := chkWords[w]; ok {
			_, dup := d[av[0]]
			require.False(t, dup, "attribute named twice in %q", words)
			d[av[0]] = av[1]
			continue
		}
		if s, ok := chkNouns[w]; ok {
			d[3] = s
		} else {
			require.Contains(t, []string{"object", "objects"}, w, "bad noun in %q", words)
		}
		return d, words[i+1:]
	}
	t.Fatalf("description without a noun: %q", words)
	return nil, nil
}

type chkScene struct {
	t    *testing.T
	s    *Scene
	text string
}

func (c chkScene) matches(d chkDesc) []int {
	var out []int
	for i, o := range c.s.Objects {
		if d.match(o) {
			out = append(out, i)
		}
	}
	return out
}

// unique resolves "the <desc>" to its one object and checks that no description with
// fewer attributes, avoiding banned, would also do.
func (c chkScene) unique(d chkDesc, banned int) int {
	m := c.matches(d)
	require.Len(c.t, m, 1, "%q: %v does not name exactly one object", c.text, d)
	o := c.s.Objects[m[0]]
	for mask := 0; mask < 16; mask++ {
		if (banned >= 0 && mask&(1<<banned) != 0) || popcount(mask) >= len(d) {
			continue
		}
		shorter := chkDesc{}
		for a := 0; a < 4; a++ {
			if mask&(1<<a) != 0 {
				shorter[a] = o.Values[a]
			}
		}
		require.NotEqual(c.t, 1, len(c.matches(shorter)), "%q: %v is not the shortest description (%v)", c.text, d, shorter)
	}
	return m[0]
}

func popcount(m int) int {
	n := 0
	for ; m > 0; m >>= 1 {
		n += m & 1
	}
	return n
}

// side is how far a's centre is past b's in the relation's direction, as a canvas fraction.
func (c chkScene) side(rel string, a, b int) float64 {
	A, B := c.s.Objects[a].Box, c.s.Objects[b].Box
	ax, ay, bx, by := A[0]+A[2], A[1]+A[3], B[0]+B[2], B[1]+B[3] // twice the centres
	W, H := 2*float64(c.s.Width), 2*float64(c.s.Height)
	switch rel {
	case "left":
		return (bx - ax) / W
	case "right":
		return (ax - bx) / W
	case "above":
		return (by - ay) / H
	case "below":
		return (ay - by) / H
	}
	c.t.Fatalf("%q: unknown relation %q", c.text, rel)
	return 0
}

// parseRel reads "left of" / "right of" / "above" / "below" and the following "the".
func (c chkScene) parseRel(words []string) (string, []string) {
	rel := words[0]
	words = words[1:]
	if rel == "left" || rel == "right" {
		require.Equal(c.t, "of", words[0], c.text)
		words = words[1:]
	}
	require.Equal(c.t, "the", words[0], c.text)
	return rel, words[1:]
}

const chkMargin = 0.08 // the documented RelationMargin, restated

// ref resolves "<desc>" or "<desc> <rel> the <desc>" to one object.
func (c chkScene) ref(words []string, banned int) (int, []string) {
	d, rest := parseDesc(c.t, words)
	_, gives := d[banned]
	require.False(c.t, gives, "%q: the description names the asked attribute", c.text)
	if len(rest) == 0 || !isRel(rest[0]) {
		return c.unique(d, banned), rest
	}
	rel, rest := c.parseRel(rest)
	ad, rest := parseDesc(c.t, rest)
	anchor := c.unique(ad, -1)
	found := -1
	for _, i := range c.matches(d) {
		if i == anchor {
			continue
		}
		x := c.side(rel, i, anchor)
		require.False(c.t, x > 0 && x <= chkMargin, "%q: object %d is in the unclear band", c.text, i)
		if x > chkMargin {
			require.Equal(c.t, -1, found, "%q: two objects fit", c.text)
			found = i
		}
	}
	require.NotEqual(c.t, -1, found, "%q: no object fits", c.text)
	return found, rest
}

func isRel(w string) bool { return w == "left" || w == "right" || w == "above" || w == "below" }

var chkAttrs = map[string]int{"size": 0, "color": 1, "material": 2, "shape": 3}

var chkValues = [4][]string{{"small", "large"}, {"red", "blue", "green", "yellow", "purple", "gray", "brown", "cyan"}, {"rubber", "metal"}, {"cube", "sphere", "cylinder"}}

func yn(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// answer computes the answer of c.text, failing the test on anything ambiguous.
func (c chkScene) answer() string {
	require.True(c.t, strings.HasSuffix(c.text, "?"), c.text)
	w := strings.Fields(strings.TrimSuffix(c.text, "?"))
	switch {
	case w[0] == "what":
		a := chkAttrs[w[1]]
		require.Equal(c.t, []string{"is", "the"}, w[2:4], c.text)
		i, rest := c.ref(w[4:], a)
		require.Empty(c.t, rest, c.text)
		return chkValues[a][c.s.Objects[i].Values[a]]
	case w[0] == "is" && w[1] == "there":
		d, rest := parseDesc(c.t, w[3:])
		require.Empty(c.t, rest, c.text)
		return yn(len(c.matches(d)) > 0)
	case w[0] == "how":
		d, rest := parseDesc(c.t, w[2:])
		require.Equal(c.t, []string{"are", "there"}, rest, c.text)
		return strconv.Itoa(len(c.matches(d)))
	case w[0] == "are":
		d1, rest := parseDesc(c.t, w[3:])
		require.Equal(c.t, "than", rest[0], c.text)
		d2, rest := parseDesc(c.t, rest[1:])
		require.Empty(c.t, rest, c.text)
		n1, n2 := len(c.matches(d1)), len(c.matches(d2))
		require.False(c.t, n1 == 0 && n2 == 0, c.text)
		if w[2] == "more" {
			return yn(n1 > n2)
		}
		return yn(n1 < n2)
	case w[0] == "does":
		i, rest := c.ref(w[2:], 2)
		require.Equal(c.t, "have the same material as the", strings.Join(rest[:6], " "), c.text)
		j, rest := c.ref(rest[6:], 2)
		require.Empty(c.t, rest, c.text)
		require.NotEqual(c.t, i, j, c.text)
		return yn(c.s.Objects[i].Values[2] == c.s.Objects[j].Values[2])
	case w[0] == "is":
		// "is the X the same A as the Y" or "is the X <rel> the Y"; X never holds a relation
		// here, so parse a plain description first.
		d, rest := parseDesc(c.t, w[2:])
		if rest[0] == "the" && rest[1] == "same" {
			a := chkAttrs[rest[2]]
			i := c.unique(d, a)
			require.Equal(c.t, []string{"as", "the"}, rest[3:5], c.text)
			j, rest := c.ref(rest[5:], a)
			require.Empty(c.t, rest, c.text)
			require.NotEqual(c.t, i, j, c.text)
			return yn(c.s.Objects[i].Values[a] == c.s.Objects[j].Values[a])
		}
		i := c.unique(d, -1)
		if rest[0] == "in" {
			return c.half(i, rest)
		}
		rel, rest := c.parseRel(rest)
		jd, rest := parseDesc(c.t, rest)
		require.Empty(c.t, rest, c.text)
		j := c.unique(jd, -1)
		x := c.side(rel, i, j)
		require.False(c.t, x > 0 && x <= chkMargin, "%q: unclear relation", c.text)
		return yn(x > chkMargin)
	}
	c.t.Fatalf("unknown template: %q", c.text)
	return ""
}

const chkHalfMargin = 0.06 // the documented PositionMargin, restated

// half answers "in the <side> half of the picture" about object i.
func (c chkScene) half(i int, rest []string) string {
	require.Len(c.t, rest, 7, c.text)
	require.Equal(c.t, "in the|half of the picture", strings.Join(rest[:2], " ")+"|"+strings.Join(rest[3:], " "), c.text)
	B := c.s.Objects[i].Box
	x, y := (B[0]+B[2])/2/float64(c.s.Width), (B[1]+B[3])/2/float64(c.s.Height)
	d := map[string]float64{"left": 0.5 - x, "right": x - 0.5, "top": 0.5 - y, "bottom": y - 0.5}
	v, ok := d[rest[2]]
	require.True(c.t, ok, "%q: unknown half", c.text)
	require.False(c.t, v >= -chkHalfMargin && v <= chkHalfMargin, "%q: object near the middle", c.text)
	return yn(v > 0)
}

func TestCheckerAgreesWithGenerator(t *testing.T) {
	ss, err := Generate(42, 400, Options{FeatDim: 16})
	require.NoError(t, err)
	n := 0
	for _, s := range ss {
		for _, q := range Questions(s, streamRNG(42, purposeQuestions, uint64(s.Index)), 10) {
			require.Equal(t, q.Answer, chkScene{t, s, q.Text}.answer(), "scene %s: %q", s.ID, q.Text)
			n++
		}
	}
	require.Greater(t, n, 3900, fmt.Sprint("questions checked: ", n))
}

func TestCheckerAgreesOnPositionQuestions(t *testing.T) {
	ss, err := Generate(43, 300, Options{FeatDim: 16})
	require.NoError(t, err)
	n, yes := 0, 0
	for _, s := range ss {
		qs, err := QuestionsMix(s, streamRNG(43, purposeQuestions, uint64(s.Index)), 6, Mix{TypePosition: 1})
		require.NoError(t, err)
		for _, q := range qs {
			require.Equal(t, TypePosition, q.Type)
			require.Equal(t, q.Answer, chkScene{t, s, q.Text}.answer(), "scene %s: %q", s.ID, q.Text)
			n++
			if q.Answer == "yes" {
				yes++
			}
		}
	}
	require.Greater(t, n, 1500, "questions checked")
	require.InDelta(t, 0.5, float64(yes)/float64(n), 0.05, "yes share")
}

// A nil Mix never asks the training-only position questions, and naming only the five
// types leaves the default draws unchanged.
func TestDefaultMixHasNoPositionQuestions(t *testing.T) {
	ss, err := Generate(44, 100, Options{FeatDim: 16})
	require.NoError(t, err)
	five := Mix{}
	for _, ty := range Types() {
		five[ty] = 1
	}
	for _, s := range ss {
		a := Questions(s, streamRNG(44, purposeQuestions, uint64(s.Index)), 10)
		b, err := QuestionsMix(s, streamRNG(44, purposeQuestions, uint64(s.Index)), 10, five)
		require.NoError(t, err)
		require.Equal(t, a, b)
		for _, q := range a {
			require.NotEqual(t, TypePosition, q.Type, q.Text)
		}
	}
}
