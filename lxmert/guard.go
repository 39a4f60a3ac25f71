package lxmert

import (
	"errors"
	"sync"
)

// ErrClosed is returned by every operation on a model after Close.
var ErrClosed = errors.New("lxmert: the model is closed")

// errNoModel is returned by operations on a nil or zero-value model.
var errNoModel = errors.New("lxmert: the model was never built (use NewLxmert… or …FromPretrained)")

// guard is the concurrency contract of a model, kept by its parameter store: forwards and
// other reads share the model; Close, loading, resizing, replacing layers, Train/Eval and
// ZeroGrad are exclusive. An exclusive operation waits for the forwards already running
// and holds back those that start after it; after Close every operation returns ErrClosed.
type guard struct {
	mu       sync.RWMutex
	closed   bool
	training bool // dropout on (Train); read by forwards under the shared lock
}

// shared locks p for an operation that may run beside forwards; call the returned unlock.
func (p *params) shared() (unlock func(), err error) {
	if p == nil {
		return nil, errNoModel
	}
	p.g.mu.RLock()
	if p.g.closed {
		p.g.mu.RUnlock()
		return nil, ErrClosed
	}
	return p.g.mu.RUnlock, nil
}

// exclusive locks p for an operation that changes parameters or modes.
func (p *params) exclusive() (unlock func(), err error) {
	if p == nil {
		return nil, errNoModel
	}
	p.g.mu.Lock()
	if p.g.closed {
		p.g.mu.Unlock()
		return nil, ErrClosed
	}
	return p.g.mu.Unlock, nil
}

// setTraining switches dropout for later forwards, after running ones finish. A closed or
// unbuilt model has no mode to switch.
func (p *params) setTraining(on bool) {
	if unlock, err := p.exclusive(); err == nil {
		p.g.training = on
		unlock()
	}
}

// isTraining reports the mode (false for a closed or unbuilt model).
func (p *params) isTraining() bool {
	unlock, err := p.shared()
	if err != nil {
		return false
	}
	defer unlock()
	return p.g.training
}
