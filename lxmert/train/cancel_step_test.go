package train

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// forwardCancel is a context whose Err turns to Canceled at its n-th call and remembers
// whether that call came from inside a model forward (a layer boundary) rather than from
// the loop's between-steps check.
type forwardCancel struct {
	context.Context
	n         int
	inForward bool
}

func (c *forwardCancel) Err() error {
	if c.n > 0 {
		c.n--
		if c.n == 0 {
			pcs := make([]uintptr, 32)
			frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
			for f, more := frames.Next(); more; f, more = frames.Next() {
				c.inForward = c.inForward || strings.Contains(f.Function, "lxmert.(*LxmertForQuestionAnswering).forward")
			}
		}
		return nil
	}
	return context.Canceled
}

// TestCancelWithinStep: one process stops inside a step's forward (not only between
// steps); the partial step is dropped, the generator rewound, and --resume ends with the
// parameters of an uninterrupted run (dropout on, so a generator left advanced would show).
func TestCancelWithinStep(t *testing.T) {
	o := resumeSetup(t)
	ref := o
	ref.Out = filepath.Join(t.TempDir(), "ref")
	_, err := Run(context.Background(), ref)
	require.NoError(t, err)

	o.Out = filepath.Join(t.TempDir(), "out")
	ctx := &forwardCancel{Context: context.Background(), n: 58} // 58: inside a forward (57 lands on a between-steps check)
	_, runErr := Run(ctx, o)
	require.ErrorIs(t, runErr, ErrInterrupted)
	require.True(t, ctx.inForward, "the cancellation was seen inside a forward")
	steps, err := checkpoints(o.Out)
	require.NoError(t, err)
	require.NotEmpty(t, steps)
	require.Less(t, steps[len(steps)-1], 50)

	o.Resume = true
	res, err := Run(context.Background(), o)
	require.NoError(t, err)
	require.Equal(t, 50, res.Steps)
	requireSameParams(t, filepath.Join(ref.Out, "model.safetensors"), filepath.Join(o.Out, "model.safetensors"))
}
