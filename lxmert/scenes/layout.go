package scenes

import "math/rand/v2"

// Box sizes as fractions of the canvas's shorter side: large objects are clearly bigger.
const (
	smallMin, smallMax = 0.13, 0.16
	largeMin, largeMax = 0.22, 0.27
	maxIoU             = 0.1
	placeTries         = 200
	layoutTries        = 20
)

// layout gives every object a square box by rejection sampling: boxes overlap little (IoU <
// maxIoU) and no box covers another's centre, so every object stays visible. In the rare
// case that no layout fits, objects that cannot be placed are dropped.
func layout(rng *rand.Rand, objs []Object, w, h float64) []Object {
	short := min(w, h)
	for try := 0; try < layoutTries; try++ {
		if placeAll(rng, objs, w, h, short) == len(objs) {
			return objs
		}
	}
	n := placeAll(rng, objs, w, h, short)
	return objs[:n]
}

// placeAll places objects in order and returns how many fit; objs[:n] hold valid boxes.
func placeAll(rng *rand.Rand, objs []Object, w, h, short float64) int {
	for i := range objs {
		lo, hi := smallMin, smallMax
		if objs[i].Values[Size] == 1 {
			lo, hi = largeMin, largeMax
		}
		side := float64(int(short * (lo + (hi-lo)*rng.Float64())))
		placed := false
		for t := 0; t < placeTries && !placed; t++ {
			x := float64(int(rng.Float64() * (w - side)))
			y := float64(int(rng.Float64() * (h - side)))
			b := [4]float64{x, y, x + side, y + side}
			placed = fits(b, objs[:i])
			if placed {
				objs[i].Box = b
			}
		}
		if !placed {
			return i
		}
	}
	return len(objs)
}

func fits(b [4]float64, others []Object) bool {
	for _, o := range others {
		if iou(b, o.Box) >= maxIoU || covers(b, o.Box) || covers(o.Box, b) {
			return false
		}
	}
	return true
}

// covers reports whether box a contains the centre of box b.
func covers(a, b [4]float64) bool {
	cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
	return cx >= a[0] && cx <= a[2] && cy >= a[1] && cy <= a[3]
}

func iou(a, b [4]float64) float64 {
	iw := min(a[2], b[2]) - max(a[0], b[0])
	ih := min(a[3], b[3]) - max(a[1], b[1])
	if iw <= 0 || ih <= 0 {
		return 0
	}
	inter := iw * ih
	union := (a[2]-a[0])*(a[3]-a[1]) + (b[2]-b[0])*(b[3]-b[1]) - inter
	return inter / union
}
