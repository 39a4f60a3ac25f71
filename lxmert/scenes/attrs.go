package scenes

import "strconv"

// Attr is one of the four object attributes.
type Attr int

// The attributes, in the order their words appear in a phrase ("large red metal cube").
const (
	Size Attr = iota
	Color
	Material
	Shape
	NumAttrs = 4
)

var attrNames = [NumAttrs]string{"size", "color", "material", "shape"}

// attrValues lists each attribute's values; an object stores indexes into these.
var attrValues = [NumAttrs][]string{
	{"small", "large"},
	{"red", "blue", "green", "yellow", "purple", "gray", "brown", "cyan"},
	{"rubber", "metal"},
	{"cube", "sphere", "cylinder"},
}

var shapePlurals = []string{"cubes", "spheres", "cylinders"}

// String is the attribute's word ("color").
func (a Attr) String() string {
	if a < 0 || a >= NumAttrs {
		return "attr(" + strconv.Itoa(int(a)) + ")"
	}
	return attrNames[a]
}

// Values lists the attribute's values; Object.Values holds indexes into this list.
func (a Attr) Values() []string {
	if a < 0 || a >= NumAttrs {
		return nil
	}
	return append([]string(nil), attrValues[a]...)
}

// MaxCount is the largest answer to a counting question (scenes hold at most this many
// objects).
const MaxCount = 10

// Answers is the fixed answer vocabulary, in label-id order: sizes, colours, materials,
// shapes, yes, no, then "0" to "10".
func Answers() []string {
	var out []string
	for a := Attr(0); a < NumAttrs; a++ {
		out = append(out, attrValues[a]...)
	}
	out = append(out, "yes", "no")
	for i := 0; i <= MaxCount; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}
