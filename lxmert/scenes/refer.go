package scenes

import (
	"math/bits"
	"math/rand/v2"
)

// refer finds a description of objs[target] with the fewest attributes, none of them in
// banned, that matches the target and no other object of pool (indexes into objs; the
// target itself may or may not be listed). Among equally short descriptions it picks one
// at random. ok is false when no description singles the target out.
func refer(rng *rand.Rand, objs []Object, target int, pool []int, banned uint8) (f filter, ok bool) {
	for n := 0; n <= NumAttrs; n++ {
		var found []filter
		for m := uint8(0); m < 1<<NumAttrs; m++ {
			if m&banned != 0 || bits.OnesCount8(m) != n {
				continue
			}
			g := filterOf(objs[target], m)
			if uniqueIn(g, objs, target, pool) {
				found = append(found, g)
			}
		}
		if len(found) > 0 {
			return found[rng.IntN(len(found))], true
		}
	}
	return filter{}, false
}

// referable reports whether objs[target] has a description avoiding banned that is unique
// in pool; it draws no random numbers.
func referable(objs []Object, target int, pool []int, banned uint8) bool {
	// The full description (every allowed attribute) is the most selective one.
	return uniqueIn(filterOf(objs[target], (1<<NumAttrs-1)&^banned), objs, target, pool)
}

func uniqueIn(f filter, objs []Object, target int, pool []int) bool {
	for _, k := range pool {
		if k != target && f.matches(objs[k]) {
			return false
		}
	}
	return true
}

// indexes is 0..n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
