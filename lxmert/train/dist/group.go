package dist

import (
	"fmt"
	"sync"

	"github.com/lxmert-go/golxmert/binding"
)

// Group is this process's membership of a job: collectives over every rank. A failed
// collective's error names the ranks that stopped answering (see Explain). A Group is used
// by one goroutine (the training loop); Close ends it.
type Group struct {
	pg   *binding.ProcessGroup
	cfg  Config
	stop chan struct{}
	wg   sync.WaitGroup
}

// Join joins the job cfg describes: it returns once every rank has arrived, or fails after
// cfg's timeout saying who was missing.
func Join(cfg Config) (*Group, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	prefix := ""
	if cfg.AgentStore {
		prefix = "/worker/attempt_" + cfg.Attempt
	}
	pg, err := binding.NewProcessGroup(binding.ProcessGroupOptions{
		MasterAddr: cfg.MasterAddr, MasterPort: cfg.MasterPort, Rank: cfg.Rank, WorldSize: cfg.WorldSize,
		HostStore: cfg.Rank == 0 && !cfg.AgentStore, StorePrefix: prefix, Interfaces: cfg.Interfaces,
		Address: cfg.glooAddress(), Timeout: cfg.timeout(),
	})
	if err != nil {
		return nil, fmt.Errorf("dist: rank %d of %d: joining the job within %v: %w%s", cfg.Rank, cfg.WorldSize, cfg.timeout(), err, joinHint(cfg))
	}
	g := &Group{pg: pg, cfg: cfg, stop: make(chan struct{})}
	g.wg.Add(1)
	go g.heartbeat(g.stop) // passed, not read there: Close may clear g.stop before it runs
	return g, nil
}

// joinHint says what usually causes a failed rendezvous.
func joinHint(cfg Config) string {
	if cfg.Rank == 0 && !cfg.AgentStore {
		return fmt.Sprintf(" (were all %d processes started, with the same --master-addr and --master-port?)", cfg.WorldSize)
	}
	return fmt.Sprintf(" (is rank 0 running, and is %s:%d reachable from here?)", cfg.MasterAddr, cfg.MasterPort)
}

// Rank is this process's global rank.
func (g *Group) Rank() int { return g.cfg.Rank }

// Size is the number of processes.
func (g *Group) Size() int { return g.cfg.WorldSize }

// Config is the configuration the group was joined with.
func (g *Group) Config() Config { return g.cfg }

// Close leaves the group. Rank 0 serves the store: the others' later calls fail.
func (g *Group) Close() {
	if g.stop != nil {
		close(g.stop)
		g.stop = nil
		g.wg.Wait()
	}
	g.pg.Close()
}

// Broadcast copies root's tensors into every rank's, in place.
func (g *Group) Broadcast(root int, ts ...binding.Tensor) error {
	return g.Explain("broadcast", g.pg.Broadcast(root, ts...))
}

// AllReduce reduces the tensors over the ranks, in place.
func (g *Group) AllReduce(op binding.ReduceOp, ts ...binding.Tensor) error {
	return g.Explain("all-reduce", g.pg.AllReduce(op, ts...))
}

// Barrier returns once every rank has called it.
func (g *Group) Barrier() error { return g.Explain("barrier", g.pg.Barrier()) }

// NewGradReducer makes a DDP-style reducer of the parameters' gradients with torch's
// default bucket sizes (25 MB, the first 1 MB).
func (g *Group) NewGradReducer(params []binding.Tensor) (*binding.GradReducer, error) {
	r, err := g.pg.NewGradReducer(params, binding.DefaultBucketBytes, binding.DefaultFirstBucketBytes)
	if err != nil {
		return nil, fmt.Errorf("dist: %w", err)
	}
	return r, nil
}
