package lxmert

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// cancelAt is a context cancelled by its n-th Err call, which still reports nil: the side
// that checked runs on while the language stack is being stopped.
type cancelAt struct {
	context.Context
	cancel context.CancelFunc
	n      int
}

func (c *cancelAt) Err() error {
	if c.n--; c.n == 0 {
		c.cancel()
		return nil
	}
	return c.Context.Err()
}

// A forward cancelled during the two-branch phase (the language stack on a helper thread, the
// vision side on the caller's) returns the context's error, never the stack's own "stopped"
// failure; uncancelled, it matches the ATen forward.
func TestLanguageStackCancel(t *testing.T) {
	withThreads(t, 2)
	m := pairModelLayers(t, 16, 1, 2) // the stack outlasts the vision side
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	in := pairInputs(s, m, 1, 6, 7)
	fast, err := m.ForwardScope(s, in, Options{})
	require.NoError(t, err)
	g := binding.NewGradScope()
	defer g.Close()
	ref, err := m.ForwardScope(g, in, Options{})
	require.NoError(t, err)
	requireClose(t, g.Float32s(g.Detach(ref.PooledOutput)), s.Float32s(fast.PooledOutput), "pooled output")
	for n := 1; ; n++ {
		ctx, cancel := context.WithCancel(context.Background())
		fs := binding.NewScope()
		_, err := m.ForwardScope(fs, in, Options{Context: &cancelAt{ctx, cancel, n}})
		fs.Close()
		cancelled := ctx.Err() != nil
		cancel()
		if !cancelled { // n is past the last check
			require.NoError(t, err)
			require.Greater(t, n, 3, "the forward checks its context at every layer boundary")
			break
		}
		// nil when no check came after the n-th (it reported nil)
		require.True(t, err == nil || errors.Is(err, context.Canceled), "cancelled at check %d: %v", n, err)
	}
}
