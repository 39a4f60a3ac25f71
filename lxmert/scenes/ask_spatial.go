package scenes

import "fmt"

// spatialQuery: "what color is the sphere left of the green cylinder?" The anchor is
// unique in the scene; the target is unique among the objects clearly in relation to the
// anchor, and no object in the unclear band matches its description.
func (g *asker) spatialQuery() (string, string, bool) {
	type inst struct {
		i, j int
		r    Relation
		a    Attr
		pool []int
	}
	var cands []inst
	for j := range g.objs {
		if !referable(g.objs, j, g.all, 0) {
			continue
		}
		for r := Relation(0); r < numRelations; r++ {
			var yes, pool []int
			for k := range g.objs {
				if k == j {
					continue
				}
				switch Relate(g.objs[k], g.objs[j], r, g.w, g.h) {
				case True:
					yes = append(yes, k)
					pool = append(pool, k)
				case Unclear:
					pool = append(pool, k)
				}
			}
			for _, i := range yes {
				for a := Attr(0); a < NumAttrs; a++ {
					if referable(g.objs, i, pool, 1<<a) {
						cands = append(cands, inst{i, j, r, a, pool})
					}
				}
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	target, _ := refer(g.rng, g.objs, c.i, c.pool, 1<<c.a)
	anchor, _ := refer(g.rng, g.objs, c.j, g.all, 0)
	text := fmt.Sprintf("what %s is the %s %s the %s?", c.a, target.phrase(false), c.r, anchor.phrase(false))
	return text, g.objs[c.i].Value(c.a), true
}

// spatialYesNo: "is the red cube left of the blue sphere?" Both objects are unique in the
// scene and the relation is clearly true or clearly false.
func (g *asker) spatialYesNo(want bool) (string, string, bool) {
	type inst struct {
		i, j int
		r    Relation
	}
	var cands []inst
	for i := range g.objs {
		if !referable(g.objs, i, g.all, 0) {
			continue
		}
		for j := range g.objs {
			if j == i || !referable(g.objs, j, g.all, 0) {
				continue
			}
			for r := Relation(0); r < numRelations; r++ {
				t := Relate(g.objs[i], g.objs[j], r, g.w, g.h)
				if t != Unclear && (t == True) == want {
					cands = append(cands, inst{i, j, r})
				}
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	a, _ := refer(g.rng, g.objs, c.i, g.all, 0)
	b, _ := refer(g.rng, g.objs, c.j, g.all, 0)
	return fmt.Sprintf("is the %s %s the %s?", a.phrase(false), c.r, b.phrase(false)), yesno(want), true
}
