package scenes

// Relation is a spatial relation between box centres.
type Relation int

// The relations; "above" means higher in the picture (smaller y).
const (
	LeftOf Relation = iota
	RightOf
	Above
	Below
	numRelations
)

var relationWords = [numRelations]string{"left of", "right of", "above", "below"}

// String is the relation's words in questions ("left of").
func (r Relation) String() string {
	if r < 0 || r >= numRelations {
		return "relation?"
	}
	return relationWords[r]
}

// RelationMargin is how far (as a fraction of the canvas width for left/right, height for
// above/below) a box centre must be past another's for a relation to hold. Pairs closer
// than this on the relation's side are unclear and never asked about, so every spatial
// answer is plain in the picture and learnable from the boxes.
const RelationMargin = 0.08

// Truth is the answer status of a relation between two objects.
type Truth int

// Relation truths.
const (
	False   Truth = iota // a is level with b or on the other side
	True                 // a is past b by more than RelationMargin
	Unclear              // a is past b, but by less than the margin
)

// Relate says whether a stands in relation r to b in a w×h canvas.
func Relate(a, b Object, r Relation, w, h float64) Truth {
	ax, ay := a.Center()
	bx, by := b.Center()
	var d float64
	switch r {
	case LeftOf:
		d = (bx - ax) / w
	case RightOf:
		d = (ax - bx) / w
	case Above:
		d = (by - ay) / h
	case Below:
		d = (ay - by) / h
	}
	switch {
	case d > RelationMargin:
		return True
	case d <= 0:
		return False
	}
	return Unclear
}
