package dist

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freePort returns a port of 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// onRanks joins a group of n ranks, one goroutine each, and runs f on every rank.
func onRanks(t *testing.T, n int, f func(t *testing.T, g *Group)) {
	t.Helper()
	port := freePort(t)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for r := 0; r < n; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			g, err := Join(Config{Rank: r, WorldSize: n, LocalRank: r, LocalWorldSize: n, MasterAddr: "127.0.0.1", MasterPort: port, Timeout: 30 * time.Second})
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

// TestGroupValues: sums, minimum, broadcast and gather of bytes (of different lengths, and
// empty) agree on every rank.
func TestGroupValues(t *testing.T) {
	onRanks(t, 3, func(t *testing.T, g *Group) {
		r := g.Rank()
		sum, err := g.SumFloat64s([]float64{float64(r), 0.25})
		require.NoError(t, err)
		require.Equal(t, []float64{3, 0.75}, sum)
		mn, err := g.MinInt(10 - r)
		require.NoError(t, err)
		require.Equal(t, 8, mn)
		b, err := g.BroadcastBytes(2, []byte{byte(r), 9})
		require.NoError(t, err)
		require.Equal(t, []byte{2, 9}, b)
		empty, err := g.BroadcastBytes(0, nil)
		require.NoError(t, err)
		require.Empty(t, empty)
		all, err := g.AllGatherBytes(make([]byte, r, r+1))
		require.NoError(t, err)
		require.Equal(t, [][]byte{{}, {0}, {0, 0}}, all)
		require.NoError(t, g.Barrier())
	})
}

// TestExplainNamesStoppedRank: when a rank leaves, the error of the other's failed
// collective names it (ErrPeerLost), found from the heartbeats in the store. The failure
// itself is given here: in one process a closed Gloo group does not always close its
// sockets at once, so the peer's recv may only time out (flaky in CI); the killed-process
// tests in cmd/lxmert check that a real death fails the survivor's collective quickly.
// (With more ranks, a rank whose ring neighbour is still alive only fails once that one
// gives up, and may name both.)
func TestExplainNamesStoppedRank(t *testing.T) {
	closed := make(chan struct{}) // as in a real death, rank 1 stops before rank 0's failure
	onRanks(t, 2, func(t *testing.T, g *Group) {
		require.NoError(t, g.Barrier())
		if g.Rank() == 1 {
			g.Close()
			close(closed)
			return
		}
		<-closed
		gloo := errors.New("binding: AllReduce: Connection closed by peer")
		err := g.Explain("all-reduce", gloo)
		require.ErrorIs(t, err, ErrPeerLost)
		require.ErrorIs(t, err, gloo, "the collective's own error stays in the chain")
		require.Regexp(t, `^rank 0: all-reduce failed: rank 1 stopped \(it exited, was killed or lost its network\): binding: AllReduce: Connection closed by peer$`, err.Error())
	})
}

// TestExplainLiveRanks: a failure while every rank still beats is reported as it is, not
// blamed on a rank.
func TestExplainLiveRanks(t *testing.T) {
	onRanks(t, 2, func(t *testing.T, g *Group) {
		require.NoError(t, g.Barrier())
		err := g.Explain("all-reduce", errors.New("boom"))
		require.NotErrorIs(t, err, ErrPeerLost)
		require.EqualError(t, err, fmt.Sprintf("dist: rank %d: all-reduce failed: boom", g.Rank()))
		require.NoError(t, g.Barrier())
	})
}

// TestJoinMissingPeer: rank 0 of 2 alone fails after about the timeout, saying what to check.
func TestJoinMissingPeer(t *testing.T) {
	start := time.Now()
	_, err := Join(Config{Rank: 0, WorldSize: 2, LocalWorldSize: 1, MasterAddr: "127.0.0.1", MasterPort: freePort(t), Timeout: 2 * time.Second})
	require.ErrorContains(t, err, "dist: rank 0 of 2: joining the job within 2s: ")
	require.ErrorContains(t, err, "(were all 2 processes started, with the same --master-addr and --master-port?)")
	require.Less(t, time.Since(start), 15*time.Second)
}

// TestCloseAtOnce: a group closed right after Join stops its heartbeat (Close used to hang
// when it ran before the heartbeat goroutine had read the stop channel).
func TestCloseAtOnce(t *testing.T) {
	for i := 0; i < 20; i++ {
		onRanks(t, 1, func(t *testing.T, g *Group) {
			done := make(chan struct{})
			go func() { g.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Close hung")
			}
		})
	}
}
