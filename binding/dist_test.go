package binding

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// onRanks runs f for every rank of a world of n in its own goroutine, each with its own
// process group on loopback (c10d groups of one process may live in one Go process).
func onRanks(t *testing.T, n int, timeout time.Duration, f func(t *testing.T, g *ProcessGroup)) {
	t.Helper()
	port := freePort(t)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for r := 0; r < n; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			g, err := NewProcessGroup(ProcessGroupOptions{MasterAddr: "127.0.0.1", MasterPort: port, Rank: r,
				WorldSize: n, HostStore: r == 0, Address: "127.0.0.1", Timeout: timeout})
			if err != nil {
				errs[r] = err
				return
			}
			defer g.Close()
			f(t, g)
		}(r)
	}
	wg.Wait()
	for r, err := range errs {
		require.NoError(t, err, "rank %d", r)
	}
}

// TestProcessGroupCollectives: all-reduce (sum, min, max over float32, float64 and int64),
// a coalesced broadcast of mixed dtypes from rank 1, all-gather, barrier and store counters
// over three ranks give every rank the exact expected values.
func TestProcessGroupCollectives(t *testing.T) {
	onRanks(t, 3, 30*time.Second, func(t *testing.T, g *ProcessGroup) {
		s := NewScope()
		defer s.Close()
		r := float32(g.Rank())
		sum := s.FromFloat32([]float32{r, 10 * r, 0.5}, 3)
		mn := s.FromFloat64([]float64{float64(r) + 1, -float64(r)}, 2)
		mx := s.FromInt64([]int64{int64(g.Rank()), 7}, 2)
		require.NoError(t, s.Err())
		require.NoError(t, g.AllReduce(ReduceOpSum, sum))
		require.NoError(t, g.AllReduce(ReduceOpMin, mn))
		require.NoError(t, g.AllReduce(ReduceOpMax, mx))
		require.Equal(t, []float32{3, 30, 1.5}, s.Float32s(sum))
		require.Equal(t, []float64{1, -2}, s.Float64s(mn))
		require.Equal(t, []int64{2, 7}, s.Int64s(mx))

		a := s.FromFloat32([]float32{r, r, r, r}, 2, 2)
		b := s.FromInt64([]int64{int64(100 * g.Rank())}, 1)
		c := s.FromFloat32([]float32{-r}, 1)
		require.NoError(t, g.Broadcast(1, a, b, c))
		require.Equal(t, []float32{1, 1, 1, 1}, s.Float32s(a))
		require.Equal(t, []int64{100}, s.Int64s(b))
		require.Equal(t, []float32{-1}, s.Float32s(c))

		in := s.FromBytes([]byte{byte(g.Rank()), 42}, Uint8, 2)
		outs := []Tensor{s.Zeros(Uint8, 2), s.Zeros(Uint8, 2), s.Zeros(Uint8, 2)}
		require.NoError(t, g.AllGather(in, outs))
		for i, o := range outs {
			require.Equal(t, []byte{byte(i), 42}, s.bytesOf(o))
		}
		require.NoError(t, g.Barrier())
		_, err := g.StoreAdd("counter", int64(g.Rank()+1))
		require.NoError(t, err)
		require.NoError(t, g.Barrier())
		v, err := g.StoreAdd("counter", 0)
		require.NoError(t, err)
		require.EqualValues(t, 6, v)
		require.NoError(t, s.Err())
	})
}

// TestProcessGroupMissingPeer: a rank whose peer never arrives fails within about the
// timeout, saying where it waited: rank 0 for the peers to connect, the others for the store.
func TestProcessGroupMissingPeer(t *testing.T) {
	for _, tc := range []struct {
		rank int
		want string
	}{{0, "connecting the Gloo group (device on 127.0.0.1): Socket Timeout"}, {1, "rendezvous at 127.0.0.1:%d (joining the store): The client socket has timed out"}} {
		t.Run(fmt.Sprint("rank ", tc.rank), func(t *testing.T) {
			port := freePort(t)
			start := time.Now()
			_, err := NewProcessGroup(ProcessGroupOptions{MasterAddr: "127.0.0.1", MasterPort: port, Rank: tc.rank,
				WorldSize: 2, HostStore: tc.rank == 0, Address: "127.0.0.1", Timeout: 2 * time.Second})
			want := tc.want
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, port)
			}
			require.ErrorContains(t, err, want)
			require.Less(t, time.Since(start), 15*time.Second)
		})
	}
	_, err := NewProcessGroup(ProcessGroupOptions{MasterAddr: "127.0.0.1", MasterPort: 1, Rank: 2, WorldSize: 2, Timeout: time.Second})
	require.ErrorContains(t, err, "rank 2 is not in [0, 2)")
}

// TestProcessGroupPeerGone: when a peer leaves, a collective waiting for it fails at once
// rather than at the timeout.
func TestProcessGroupPeerGone(t *testing.T) {
	onRanks(t, 2, 60*time.Second, func(t *testing.T, g *ProcessGroup) {
		require.NoError(t, g.Barrier())
		if g.Rank() == 1 {
			g.Close()
			return
		}
		s := NewScope()
		defer s.Close()
		x := s.Ones(Float32, 4)
		start := time.Now()
		err := g.AllReduce(ReduceOpSum, x)
		require.Error(t, err)
		require.Less(t, time.Since(start), 20*time.Second, "%v", err)
	})
}
