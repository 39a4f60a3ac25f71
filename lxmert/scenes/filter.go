package scenes

import (
	"math/bits"
	"strings"
)

// filter is a partial description of an object: a set of attributes (mask bit a for Attr
// a) and a value for each.
type filter struct {
	mask uint8
	val  [NumAttrs]int
}

// filterOf describes o by the attributes in mask.
func filterOf(o Object, mask uint8) filter {
	return filter{mask: mask, val: o.Values}
}

func (f filter) has(a Attr) bool { return f.mask&(1<<a) != 0 }

func (f filter) size() int { return bits.OnesCount8(f.mask) }

func (f filter) matches(o Object) bool {
	for a := Attr(0); a < NumAttrs; a++ {
		if f.has(a) && o.Values[a] != f.val[a] {
			return false
		}
	}
	return true
}

func (f filter) count(objs []Object) int {
	n := 0
	for _, o := range objs {
		if f.matches(o) {
			n++
		}
	}
	return n
}

// phrase is the noun phrase without article: "large red metal cube", "red objects".
func (f filter) phrase(plural bool) string {
	var w []string
	for a := Size; a < Shape; a++ {
		if f.has(a) {
			w = append(w, attrValues[a][f.val[a]])
		}
	}
	switch {
	case f.has(Shape) && plural:
		w = append(w, shapePlurals[f.val[Shape]])
	case f.has(Shape):
		w = append(w, attrValues[Shape][f.val[Shape]])
	case plural:
		w = append(w, "objects")
	default:
		w = append(w, "object")
	}
	return strings.Join(w, " ")
}

// article is "a" or "an" for the phrase.
func article(phrase string) string {
	if strings.IndexByte("aeiou", phrase[0]) >= 0 {
		return "an"
	}
	return "a"
}

// allFilters lists every filter whose mask is in masks, in a fixed order.
func allFilters(masks []uint8) []filter {
	var out []filter
	for _, m := range masks {
		fs := []filter{{mask: m}}
		for a := Attr(0); a < NumAttrs; a++ {
			if m&(1<<a) == 0 {
				continue
			}
			var next []filter
			for _, f := range fs {
				for v := range attrValues[a] {
					g := f
					g.val[a] = v
					next = append(next, g)
				}
			}
			fs = next
		}
		out = append(out, fs...)
	}
	return out
}

// masksUpTo lists the attribute masks with between lo and hi attributes, in a fixed order.
func masksUpTo(lo, hi int) []uint8 {
	var out []uint8
	for m := uint8(0); m < 1<<NumAttrs; m++ {
		if n := bits.OnesCount8(m); n >= lo && n <= hi {
			out = append(out, m)
		}
	}
	return out
}
