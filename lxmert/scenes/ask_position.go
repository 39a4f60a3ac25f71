package scenes

import "fmt"

// TypePosition asks where one object is in the picture ("is the red cube in the left half
// of the picture?"). It is a training aid, not one of the five evaluated types: a model
// must learn to read one box before it can compare two, and a yes/no relation question
// gives no credit until both are found. Only a Mix that names it asks it.
const TypePosition Type = "position"

// Halves of the canvas a position question can name.
type half int

const (
	leftHalf half = iota
	rightHalf
	topHalf
	bottomHalf
	numHalves
)

var halfWords = [numHalves]string{"left", "right", "top", "bottom"}

// PositionMargin is how far (as a fraction of the canvas) a box centre must be from the
// middle line for a position question about it to be asked.
const PositionMargin = 0.06

// inHalf says whether o's centre is in half s of a w×h canvas, with Unclear near the middle.
func inHalf(o Object, s half, w, h float64) Truth {
	x, y := o.Center()
	var d float64 // how far past the middle line, towards s
	switch s {
	case leftHalf:
		d = 0.5 - x/w
	case rightHalf:
		d = x/w - 0.5
	case topHalf:
		d = 0.5 - y/h
	case bottomHalf:
		d = y/h - 0.5
	}
	switch {
	case d > PositionMargin:
		return True
	case d < -PositionMargin:
		return False
	}
	return Unclear
}

// position: "is the red cube in the left half of the picture?" The object is unique in the
// scene and clearly on one side of the middle.
func (g *asker) position(want bool) (string, string, bool) {
	type inst struct {
		i int
		s half
	}
	var cands []inst
	for i := range g.objs {
		if !referable(g.objs, i, g.all, 0) {
			continue
		}
		for s := half(0); s < numHalves; s++ {
			if t := inHalf(g.objs[i], s, g.w, g.h); t != Unclear && (t == True) == want {
				cands = append(cands, inst{i, s})
			}
		}
	}
	if len(cands) == 0 {
		return "", "", false
	}
	c := cands[g.rng.IntN(len(cands))]
	f, _ := refer(g.rng, g.objs, c.i, g.all, 0)
	return fmt.Sprintf("is the %s in the %s half of the picture?", f.phrase(false), halfWords[c.s]), yesno(want), true
}
