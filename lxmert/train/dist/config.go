// Package dist runs data-parallel training over processes and machines on torch's c10d
// engine (a TCPStore rendezvous and a Gloo process group, through binding): joining a group
// from torchrun's environment, collectives that name the rank that went missing, and a
// launcher that starts one worker process per local rank as torchrun does.
package dist

import (
	"fmt"
	"net"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds the rendezvous and every collective: a rank that died or never
// arrived makes the others fail after at most this long.
const DefaultTimeout = 5 * time.Minute

// DefaultPort is torch's default MASTER_PORT.
const DefaultPort = 29500

// Config says where a process stands in a job and how to reach its peers; the fields are
// torchrun's environment variables.
type Config struct {
	Rank           int    // RANK: global rank, 0 ≤ Rank < WorldSize
	WorldSize      int    // WORLD_SIZE: processes in the job
	LocalRank      int    // LOCAL_RANK: rank among this machine's workers (default 0)
	LocalWorldSize int    // LOCAL_WORLD_SIZE: workers on this machine (default 1)
	MasterAddr     string // MASTER_ADDR: host of the rendezvous store
	MasterPort     int    // MASTER_PORT
	// AgentStore: torchrun's agent serves the store (TORCHELASTIC_USE_AGENT_STORE=True),
	// under the key prefix of its attempt (TORCHELASTIC_RESTART_COUNT).
	AgentStore bool
	Attempt    string
	Interfaces string        // GLOO_SOCKET_IFNAME
	Timeout    time.Duration // 0: DefaultTimeout
}

// FromEnv reads a worker's Config from torchrun's variables (getenv is os.Getenv in
// production). ok is false when WORLD_SIZE is not set: the process is not a worker.
func FromEnv(getenv func(string) string) (c Config, ok bool, err error) {
	if strings.TrimSpace(getenv("WORLD_SIZE")) == "" {
		return c, false, nil
	}
	ints := []struct {
		name string
		v    *int
		def  string
	}{{"WORLD_SIZE", &c.WorldSize, ""}, {"RANK", &c.Rank, ""}, {"LOCAL_RANK", &c.LocalRank, "0"},
		{"LOCAL_WORLD_SIZE", &c.LocalWorldSize, "1"}, {"MASTER_PORT", &c.MasterPort, ""}}
	for _, f := range ints {
		s := strings.TrimSpace(getenv(f.name))
		if s == "" {
			s = f.def
		}
		if s == "" {
			return c, true, fmt.Errorf("dist: WORLD_SIZE is set but %s is not: a worker needs RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT", f.name)
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return c, true, fmt.Errorf("dist: %s=%q is not an integer", f.name, s)
		}
		*f.v = n
	}
	c.MasterAddr = strings.TrimSpace(getenv("MASTER_ADDR"))
	if c.MasterAddr == "" {
		return c, true, fmt.Errorf("dist: WORLD_SIZE is set but MASTER_ADDR is not: a worker needs RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT")
	}
	c.AgentStore = getenv("TORCHELASTIC_USE_AGENT_STORE") == "True"
	c.Attempt = getenv("TORCHELASTIC_RESTART_COUNT")
	if c.AgentStore && c.Attempt == "" {
		c.Attempt = "0"
	}
	c.Interfaces = getenv("GLOO_SOCKET_IFNAME")
	return c, true, c.Check()
}

// Check reports the first impossible field.
func (c Config) Check() error {
	switch {
	case c.WorldSize < 1:
		return fmt.Errorf("dist: world size %d: need at least 1 process", c.WorldSize)
	case c.Rank < 0 || c.Rank >= c.WorldSize:
		return fmt.Errorf("dist: rank %d is not in [0, %d) (world size %d)", c.Rank, c.WorldSize, c.WorldSize)
	case c.LocalWorldSize < 1 || c.LocalRank < 0 || c.LocalRank >= c.LocalWorldSize:
		return fmt.Errorf("dist: local rank %d is not in [0, %d)", c.LocalRank, c.LocalWorldSize)
	case c.MasterPort < 1 || c.MasterPort > 65535:
		return fmt.Errorf("dist: master port %d is not in [1, 65535]", c.MasterPort)
	case c.MasterAddr == "":
		return fmt.Errorf("dist: no master address")
	case c.Timeout < 0:
		return fmt.Errorf("dist: negative timeout %v", c.Timeout)
	}
	return nil
}

// Threads is the intra-op thread count a worker takes when not told: this machine's CPUs
// shared among its local workers, at least 1.
func (c Config) Threads() int { return max(1, runtime.NumCPU()/max(1, c.LocalWorldSize)) }

// glooAddress is the address Gloo binds to unless GLOO_SOCKET_IFNAME names interfaces:
// 127.0.0.1 when the master is this machine's loopback (every rank runs here), else this
// machine's address on the route to the master. torch binds to what the host name resolves
// to, which Debian's /etc/hosts maps to 127.0.1.1: peers on other machines could not connect.
// "" (torch's choice) when no route is found.
func (c Config) glooAddress() string {
	if c.loopback() {
		return "127.0.0.1"
	}
	conn, err := net.Dial("udp", net.JoinHostPort(c.MasterAddr, strconv.Itoa(c.MasterPort))) // sends nothing
	if err != nil {
		return ""
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.UDPAddr).IP.String()
}

// loopback reports whether the master address is this machine's loopback.
func (c Config) loopback() bool {
	if c.MasterAddr == "localhost" {
		return true
	}
	ip := net.ParseIP(c.MasterAddr)
	return ip != nil && ip.IsLoopback()
}

func (c Config) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}
