package dist

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// peerResult is what testdata/peer.py prints.
type peerResult struct {
	Rank   int       `json:"rank"`
	Sum    []int32   `json:"sum"` // float32 bits
	Max    []int64   `json:"max"`
	Bcast0 []float32 `json:"bcast0"`
	Bcast1 []int64   `json:"bcast1"`
}

// TestPythonInterop: a Go rank and a Python rank made by torch.distributed's
// init_process_group("gloo", env://) form one group and end up with bit-identical results
// of all-reduce (sum, max) and broadcast from either root, with Go as rank 0 (serving the
// store) and as rank 1: proof that this is the real c10d protocol.
func TestPythonInterop(t *testing.T) {
	py, err := filepath.Abs("../../../.venv/bin/python")
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the Python reference is missing: run make setup")
	for goRank := 0; goRank < 2; goRank++ {
		t.Run(fmt.Sprintf("go rank %d", goRank), func(t *testing.T) {
			port := freePort(t)
			cmd := exec.Command(py, "testdata/peer.py")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Env = append(os.Environ(), "RANK="+strconv.Itoa(1-goRank), "WORLD_SIZE=2", "MASTER_ADDR=127.0.0.1", "MASTER_PORT="+strconv.Itoa(port))
			require.NoError(t, cmd.Start())
			defer cmd.Process.Kill()

			g, err := Join(Config{Rank: goRank, WorldSize: 2, LocalWorldSize: 1, MasterAddr: "127.0.0.1", MasterPort: port, Timeout: 60 * time.Second})
			require.NoError(t, err, "python: %s", stderr.String())
			defer g.Close()
			got := goPeer(t, g)
			require.NoError(t, cmd.Wait(), "python: %s", stderr.String())
			var want peerResult
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &want), "python printed %q", stdout.String())
			require.Equal(t, 1-goRank, want.Rank)
			want.Rank = goRank
			require.Equal(t, want, got)
			require.Equal(t, []int64{5, 7}, got.Max)
			require.Equal(t, []float32{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, got.Bcast0)
			require.Equal(t, []int64{0, 2, 4, 6, 8}, got.Bcast1)
		})
	}
}

// goPeer runs peer.py's collectives from Go.
func goPeer(t *testing.T, g *Group) peerResult {
	s := binding.NewScope()
	defer s.Close()
	r := float32(g.Rank())
	x := s.FromFloat32([]float32{float32(0.1 * float64(r+1)), 1e8, -3.5, float32(1.0 / 3.0 * float64(r+1))}, 4)
	m := s.FromInt64([]int64{int64(g.Rank())*10 - 5, 7 - int64(g.Rank())}, 2)
	b0 := s.Full(binding.Float32, float64(r)+0.5, 2, 3)
	k := int64(g.Rank() + 1)
	b1 := s.FromInt64([]int64{0, k, 2 * k, 3 * k, 4 * k}, 5)
	require.NoError(t, s.Err())
	require.NoError(t, g.AllReduce(binding.ReduceOpSum, x))
	require.NoError(t, g.AllReduce(binding.ReduceOpMax, m))
	require.NoError(t, g.Broadcast(0, b0))
	require.NoError(t, g.Broadcast(1, b1))
	require.NoError(t, g.Barrier())
	res := peerResult{Rank: g.Rank(), Max: s.Int64s(m), Bcast0: s.Float32s(b0), Bcast1: s.Int64s(b1)}
	for _, v := range s.Float32s(x) {
		res.Sum = append(res.Sum, int32(math.Float32bits(v)))
	}
	require.NoError(t, s.Err())
	return res
}
