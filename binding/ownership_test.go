package binding

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// binding.Free releases kept tensors and those of ordinary scopes, never a sealed scope's
// (a model's parameters); Adopt takes only kept tensors; nothing is freed twice.
func TestOwnershipRules(t *testing.T) {
	store := NewScope()
	store.Seal()
	defer store.Close()
	param := store.Ones(Float32, 3)
	Free(param)
	require.Equal(t, []float32{1, 1, 1}, store.Float32s(param), "a sealed scope's tensor survives binding.Free")

	s := NewScope()
	defer s.Close()
	s.Keep(param) // not s's: left alone
	s.Adopt(param)
	require.ErrorContains(t, s.Err(), "not a live kept tensor")
	require.Equal(t, []float32{1, 1, 1}, store.Float32s(param))

	u := NewScope()
	x := u.Zeros(Float32, 2)
	Free(x, x) // an ordinary scope's tensor: freed once, forgotten by the scope
	require.Equal(t, 0, u.Live())
	u.Close()
	u.Close()
	u.Tanh(x)
	require.Error(t, u.Err())

	k := NewScope()
	y := k.Zeros(Float32, 2)
	k.Keep(y)
	k.Close()
	r := NewScope()
	r.Adopt(y)
	require.NoError(t, r.Err())
	r.Close()
	Free(y) // already freed by r
	q := NewScope()
	defer q.Close()
	q.Tanh(y)
	require.ErrorContains(t, q.Err(), "nil or freed")
}

// Zero and nil scopes do not crash: they report an error or do nothing.
func TestZeroAndNilScopes(t *testing.T) {
	var z Scope
	x := z.Zeros(Float32, 2)
	require.NoError(t, z.Err())
	require.Equal(t, 1, z.Live())
	z.Close()
	require.Equal(t, 0, z.Live())
	var n *Scope
	require.True(t, n.Zeros(Float32, 1).IsNil())
	require.Error(t, n.Err())
	n.Close()
	n.Keep(x)
	n.Free(x)
	require.Equal(t, 0, n.Live())
}

// Element counts are checked in Go: shapes whose count or byte size overflows, or exceeds
// the 1 TiB bound, never reach C++.
func TestShapeOverflow(t *testing.T) {
	cases := map[string]func(s *Scope){
		"wraps to zero":  func(s *Scope) { s.FromFloat32(nil, 1<<32, 1<<32) },
		"wraps to match": func(s *Scope) { s.FromFloat32([]float32{1}, 1<<62, 4, 1) },
		"bytes overflow": func(s *Scope) { s.Empty(Float64, 1<<61, 1) },
		"full too large": func(s *Scope) { s.Full(Float32, 1, 1<<20, 1<<20, 1<<20) },
		"empty negative": func(s *Scope) { s.Empty(Float32, 2, -3) },
		"too many dims":  func(s *Scope) { s.Zeros(Float32, make([]int64, 17)...) },
	}
	for name, run := range cases {
		t.Run(name, func(t *testing.T) {
			s := NewScope()
			defer s.Close()
			run(s)
			require.Error(t, s.Err())
			require.Equal(t, 0, s.Live())
		})
	}
}

// A scope that is dropped without Close is freed by the collector once neither it nor any
// of its tensors is reachable; a tensor still held keeps its scope's tensors alive.
func TestUnclosedScopeBackstop(t *testing.T) {
	settle := func(want int64) int64 {
		var n int64
		for i := 0; i < 50; i++ {
			runtime.GC()
			if n = LiveTensors(); n <= want {
				return n
			}
			time.Sleep(10 * time.Millisecond)
		}
		return n
	}
	base := settle(0)
	held := func() Tensor {
		s := NewScope()
		s.Zeros(Float32, 8)
		return s.Ones(Float32, 4) // the scope itself is dropped, never closed
	}()
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	require.GreaterOrEqual(t, LiveTensors(), base+2, "a held tensor keeps its scope alive")
	r := NewScope()
	require.Equal(t, []float32{1, 1, 1, 1}, r.Float32s(held))
	r.Close()
	runtime.KeepAlive(held)
	func() {
		s := NewScope()
		for i := 0; i < 10; i++ {
			s.Zeros(Float32, 16)
		}
	}()
	require.LessOrEqual(t, settle(base), base, "dropped scopes are freed by the backstop")
}
