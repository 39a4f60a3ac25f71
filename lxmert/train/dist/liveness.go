package dist

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Every rank bumps a counter in the rendezvous store each beat; a rank whose counter stands
// still for a few beats has stopped. Gloo only says that "a peer" closed a connection, so
// this is how a failed collective's error can name the rank that died.
var (
	beat      = time.Second
	deadAfter = 3 * beat
)

func aliveKey(rank int) string { return "alive/" + strconv.Itoa(rank) }

func (g *Group) heartbeat(stop <-chan struct{}) {
	defer g.wg.Done()
	t := time.NewTicker(beat)
	defer t.Stop()
	for {
		if _, err := g.pg.StoreAdd(aliveKey(g.cfg.Rank), 1); err != nil {
			return // the store is gone (rank 0 left): Explain says so when it matters
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// ErrPeerLost is wrapped by the errors of collectives that failed because another rank
// stopped (exited, was killed, or lost its network).
var ErrPeerLost = errors.New("dist: lost a peer")

// Explain returns nil for a nil err, else err with this rank, the operation and the ranks
// that stopped answering (found by watching their heartbeats for a few seconds).
func (g *Group) Explain(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrPeerLost) {
		return err
	}
	dead, storeErr := g.stoppedRanks()
	lost := func(format string, a ...any) error {
		return &peerLost{fmt.Sprintf("rank %d: %s failed: ", g.cfg.Rank, op) + fmt.Sprintf(format, a...) + ": " + err.Error(), err}
	}
	switch {
	case storeErr != nil && !g.cfg.AgentStore && g.cfg.Rank != 0:
		return lost("rank 0 stopped (the rendezvous store it serves at %s:%d no longer answers)", g.cfg.MasterAddr, g.cfg.MasterPort)
	case len(dead) == 1:
		return lost("rank %d stopped (it exited, was killed or lost its network)", dead[0])
	case len(dead) > 1:
		return lost("ranks %s stopped (they exited, were killed or lost their network)", list(dead))
	}
	return fmt.Errorf("dist: rank %d: %s failed: %w", g.cfg.Rank, op, err)
}

// peerLost is a collective's error that names the ranks that stopped.
type peerLost struct {
	msg string
	err error
}

func (e *peerLost) Error() string        { return e.msg }
func (e *peerLost) Unwrap() error        { return e.err }
func (e *peerLost) Is(target error) bool { return target == ErrPeerLost }

// stoppedRanks reads every other rank's counter twice, deadAfter apart.
func (g *Group) stoppedRanks() ([]int, error) {
	read := func() ([]int64, error) {
		v := make([]int64, g.cfg.WorldSize)
		for r := range v {
			if r == g.cfg.Rank {
				continue
			}
			n, err := g.pg.StoreAdd(aliveKey(r), 0)
			if err != nil {
				return nil, err
			}
			v[r] = n
		}
		return v, nil
	}
	before, err := read()
	if err != nil {
		return nil, err
	}
	time.Sleep(deadAfter)
	after, err := read()
	if err != nil {
		return nil, err
	}
	var dead []int
	for r := range after {
		if r != g.cfg.Rank && after[r] == before[r] {
			dead = append(dead, r)
		}
	}
	return dead, nil
}

func list(ranks []int) string {
	s := make([]string, len(ranks))
	for i, r := range ranks {
		s[i] = strconv.Itoa(r)
	}
	return strings.Join(s, ", ")
}
