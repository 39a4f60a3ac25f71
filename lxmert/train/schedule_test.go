package train

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLinearSchedule: the learning rates of NewLinearSchedule(1e-3, ratio, total) at steps
// 0..total+1 are those torch.optim.lr_scheduler.LambdaLR gives with transformers'
// get_linear_schedule_with_warmup(opt, ceil(ratio·total), total) (printed by transformers
// 4.46.3, as HF's Trainer computes the warm-up steps). They are compared exactly: both
// sides do the same float64 operations in the same order.
func TestLinearSchedule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ratio  float64
		total  int
		warmup int
		want   []float64
	}{
		{"no warm-up", 0, 10, 0, []float64{0.001, 0.0009000000000000001, 0.0008, 0.0007, 0.0006, 0.0005, 0.0004, 0.0003, 0.0002, 0.0001, 0, 0}},
		{"warm-up 3 of 10", 0.25, 10, 3, []float64{0, 0.0003333333333333333, 0.0006666666666666666, 0.001, 0.0008571428571428571,
			0.0007142857142857143, 0.0005714285714285714, 0.00042857142857142855, 0.0002857142857142857, 0.00014285714285714284, 0, 0}},
		{"ratio 0.1 of 7 rounds up to 1", 0.1, 7, 1, []float64{0, 0.001, 0.0008333333333333334, 0.0006666666666666666, 0.0005,
			0.0003333333333333333, 0.00016666666666666666, 0, 0}},
		{"all warm-up", 1, 3, 3, []float64{0, 0.0003333333333333333, 0.0006666666666666666, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewLinearSchedule(1e-3, tc.ratio, tc.total)
			require.Equal(t, tc.warmup, s.Warmup)
			require.Equal(t, tc.total, s.Total)
			for step, want := range tc.want {
				require.Equal(t, want, s.LR(step), "step %d", step)
			}
		})
	}
}

// TestOptionsDefaults: zero options take the original recipe's values; the No* switches
// turn warm-up and weight decay off; bad values are refused with what is wrong.
func TestOptionsDefaults(t *testing.T) {
	req := Options{Model: "m", Data: "d", Features: "f", Out: "o"}
	o, err := req.withDefaults()
	require.NoError(t, err)
	require.Equal(t, []any{4, 32, 1, 20, 5e-5, 0.1, 0.01, 1e-6, 5.0}, []any{o.Epochs, o.BatchSize, o.GradAccum, o.MaxLength, o.LR, o.WarmupRatio, o.WeightDecay, o.AdamEps, o.MaxGradNorm})
	off := req
	off.NoWarmup, off.NoWeightDecay, off.WarmupRatio = true, true, 0.3
	o, err = off.withDefaults()
	require.NoError(t, err)
	require.Zero(t, o.WarmupRatio)
	require.Zero(t, o.WeightDecay)
	for _, tc := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.BatchSize = -1 }, "must not be negative"},
		{func(o *Options) { o.WarmupRatio = 1.5 }, "warm-up ratio in [0, 1]"},
		{func(o *Options) { o.MaxLength = 2 }, "max length 2 leaves no room"},
		{func(o *Options) { o.Out = "" }, "missing --out"},
	} {
		bad := req
		tc.edit(&bad)
		_, err := bad.withDefaults()
		require.ErrorContains(t, err, tc.want)
	}
}
