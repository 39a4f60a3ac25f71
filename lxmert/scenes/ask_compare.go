package scenes

import "fmt"

// sameAttr: "is the red cube the same size as the blue sphere?" or "does the red cube
// have the same material as the blue sphere?" The descriptions avoid the compared
// attribute, so the text does not give the answer away.
func (g *asker) sameAttr(want bool) (string, string, bool) {
	type inst struct {
		i, j int
		a    Attr
	}
	var cands []inst
	for a := Attr(0); a < NumAttrs; a++ {
		for i := range g.objs {
			if !referable(g.objs, i, g.all, 1<<a) {
				continue
			}
			for j := range g.objs {
				if j != i && referable(g.objs, j, g.all, 1<<a) &&
					(g.objs[i].Values[a] == g.objs[j].Values[a]) == want {
					cands = append(cands, inst{i, j, a})
				}
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	x, _ := refer(g.rng, g.objs, c.i, g.all, 1<<c.a)
	y, _ := refer(g.rng, g.objs, c.j, g.all, 1<<c.a)
	if c.a == Material {
		return fmt.Sprintf("does the %s have the same material as the %s?", x.phrase(false), y.phrase(false)), yesno(want), true
	}
	return fmt.Sprintf("is the %s the same %s as the %s?", x.phrase(false), c.a, y.phrase(false)), yesno(want), true
}

// compareFilters are the one- and two-attribute descriptions; they are compared only with
// descriptions naming the same attributes ("cubes" with "spheres").
var compareFilters = allFilters(masksUpTo(1, 2))

// moreFewer: "are there more cubes than spheres?" / "are there fewer red objects than
// blue objects?" Equal counts answer no; pairs where both counts are 0 are skipped.
func (g *asker) moreFewer(want bool) (string, string, bool) {
	more := g.rng.IntN(2) == 0
	counts := make([]int, len(compareFilters))
	for k, f := range compareFilters {
		counts[k] = f.count(g.objs)
	}
	type inst struct{ x, y int }
	var cands []inst
	for x, fx := range compareFilters {
		for y, fy := range compareFilters {
			if x == y || fx.mask != fy.mask || counts[x]+counts[y] == 0 {
				continue
			}
			ans := counts[x] < counts[y]
			if more {
				ans = counts[x] > counts[y]
			}
			if ans == want {
				cands = append(cands, inst{x, y})
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	word := "fewer"
	if more {
		word = "more"
	}
	return fmt.Sprintf("are there %s %s than %s?", word, compareFilters[c.x].phrase(true),
		compareFilters[c.y].phrase(true)), yesno(want), true
}
