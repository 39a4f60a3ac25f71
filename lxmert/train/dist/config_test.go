package dist

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFromEnv: torchrun's variables make a worker's Config (LOCAL_* default to a single
// worker per machine, as a Kubeflow PyTorchJob pod has); a partial or impossible set is an
// error naming the variable; no WORLD_SIZE means not a worker.
func TestFromEnv(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	torchrun := map[string]string{"RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "2",
		"MASTER_ADDR": "node0", "MASTER_PORT": "29400", "TORCHELASTIC_USE_AGENT_STORE": "True",
		"TORCHELASTIC_RESTART_COUNT": "2", "GLOO_SOCKET_IFNAME": "eth1"}
	c, ok, err := FromEnv(env(torchrun))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, Config{Rank: 3, WorldSize: 4, LocalRank: 1, LocalWorldSize: 2, MasterAddr: "node0", MasterPort: 29400,
		AgentStore: true, Attempt: "2", Interfaces: "eth1"}, c)

	c, ok, err = FromEnv(env(map[string]string{"RANK": "1", "WORLD_SIZE": "2", "MASTER_ADDR": "10.0.0.1", "MASTER_PORT": "23456"}))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, Config{Rank: 1, WorldSize: 2, LocalWorldSize: 1, MasterAddr: "10.0.0.1", MasterPort: 23456}, c)
	require.False(t, c.loopback())
	require.True(t, Config{MasterAddr: "127.0.0.1"}.loopback())
	require.True(t, Config{MasterAddr: "localhost"}.loopback())
	require.Equal(t, "127.0.0.1", Config{MasterAddr: "127.0.0.1", MasterPort: 1}.glooAddress())
	require.Equal(t, "127.0.0.1", Config{MasterAddr: "127.0.0.2", MasterPort: 1}.glooAddress())
	// A master on another machine (TEST-NET-1): the local end of the route to it, a
	// non-loopback address of this machine; "" (torch's default) on a machine with no route.
	// The route is only looked up: nothing is sent.
	if a := (Config{MasterAddr: "192.0.2.1", MasterPort: 29500}).glooAddress(); a != "" {
		ip := net.ParseIP(a)
		require.NotNil(t, ip, a)
		require.False(t, ip.IsLoopback(), a)
	}

	_, ok, err = FromEnv(env(nil))
	require.NoError(t, err)
	require.False(t, ok)

	for _, tc := range []struct {
		drop, set, value, want string
	}{
		{drop: "RANK", want: "WORLD_SIZE is set but RANK is not"},
		{drop: "MASTER_ADDR", want: "WORLD_SIZE is set but MASTER_ADDR is not"},
		{set: "RANK", value: "two", want: `RANK="two" is not an integer`},
		{set: "RANK", value: "4", want: "rank 4 is not in [0, 4)"},
		{set: "LOCAL_RANK", value: "2", want: "local rank 2 is not in [0, 2)"},
		{set: "MASTER_PORT", value: "70000", want: "master port 70000 is not in [1, 65535]"},
	} {
		kv := map[string]string{}
		for k, v := range torchrun {
			kv[k] = v
		}
		delete(kv, tc.drop)
		if tc.set != "" {
			kv[tc.set] = tc.value
		}
		_, ok, err := FromEnv(env(kv))
		require.True(t, ok)
		require.ErrorContains(t, err, tc.want)
	}
}

// TestThreads: a worker's default thread count shares the CPUs among the machine's workers.
func TestThreads(t *testing.T) {
	require.GreaterOrEqual(t, Config{LocalWorldSize: 1}.Threads(), 1)
	require.Equal(t, 1, Config{LocalWorldSize: 1000}.Threads())
}
