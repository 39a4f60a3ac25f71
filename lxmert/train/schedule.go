package train

import "math"

// LinearSchedule is transformers' get_linear_schedule_with_warmup: the learning rate rises
// linearly from 0 over Warmup steps, then falls linearly to 0 at Total. Step 0 (the first
// optimizer step) has rate 0 when Warmup > 0, as in transformers.
type LinearSchedule struct {
	Base          float64
	Warmup, Total int
}

// NewLinearSchedule uses ceil(warmupRatio × total) warm-up steps.
func NewLinearSchedule(base, warmupRatio float64, total int) LinearSchedule {
	return LinearSchedule{Base: base, Warmup: int(math.Ceil(warmupRatio * float64(total))), Total: total}
}

// LR is the learning rate of optimizer step `step` (0-based), computed in float64 as
// LambdaLR does: base × lambda(step).
func (l LinearSchedule) LR(step int) float64 {
	var f float64
	if step < l.Warmup {
		f = float64(step) / float64(max(1, l.Warmup))
	} else {
		f = math.Max(0, float64(l.Total-step)/float64(max(1, l.Total-l.Warmup)))
	}
	return l.Base * f
}
