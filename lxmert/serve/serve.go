// Package serve is the HTTP answering service behind `lxmert serve`: POST /v1/answer takes
// {"image_id", "question", "top_k"} (or inline region features) and returns ranked answers;
// requests that arrive close together share one forward (dynamic batching); a bounded queue,
// a per-request timeout and client cancellation keep it responsive under overload; /healthz,
// /readyz and /metrics (Prometheus) let a load balancer and a monitoring system watch it;
// Serve drains in-flight requests before it returns.
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
)

// Model is what the server needs from an answerer; *answer.Answerer implements it.
type Model interface {
	// AskItems answers all items in one forward.
	AskItems(ctx context.Context, items []answer.Item) ([]*answer.Result, error)
	// Check reports whether an image can be asked about.
	Check(img *features.Image) error
	// NumLabels is the number of answers, the largest top_k.
	NumLabels() int
}

var _ Model = (*answer.Answerer)(nil)

// Config tunes a Server. The zero value is valid: a zero field means its default.
type Config struct {
	// MaxBatch is the largest number of requests one forward answers; 0 means 16.
	MaxBatch int
	// MaxWait is how long the first request of a batch waits for others to join it; 0
	// means 5ms, negative means no wait (a batch is what is already queued).
	MaxWait time.Duration
	// Queue is how many requests may wait for a forward; more get 503. 0 means 256.
	Queue int
	// Timeout bounds a request from arrival to answer; later ones get 504. 0 means 10s.
	Timeout time.Duration
	// MaxBody is the largest request body in bytes; larger ones get 413. 0 means 1 MiB.
	MaxBody int64
	// MaxInlineBoxes is the most regions inline features may have; 0 means 100.
	MaxInlineBoxes int
	// DrainDelay is how long Serve keeps answering with /readyz at 503 before it stops
	// accepting connections, so that a load balancer polling /readyz stops sending first.
	DrainDelay time.Duration
	// DrainTimeout bounds how long Serve waits for in-flight requests; 0 means 30s.
	DrainTimeout time.Duration
	// Logger gets one line per request and the server's events; nil means slog.Default().
	Logger *slog.Logger
}

// withDefaults fills zero fields and refuses negative ones.
func (c Config) withDefaults() (Config, error) {
	for _, f := range []struct {
		name string
		neg  bool
	}{{"MaxBatch", c.MaxBatch < 0}, {"Queue", c.Queue < 0}, {"Timeout", c.Timeout < 0}, {"MaxBody", c.MaxBody < 0},
		{"MaxInlineBoxes", c.MaxInlineBoxes < 0}, {"DrainDelay", c.DrainDelay < 0}, {"DrainTimeout", c.DrainTimeout < 0}} {
		if f.neg {
			return c, fmt.Errorf("serve: Config.%s is negative", f.name)
		}
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MaxBatch, 16)
	def(&c.Queue, 256)
	def(&c.MaxInlineBoxes, 100)
	switch {
	case c.MaxWait == 0:
		c.MaxWait = 5 * time.Millisecond
	case c.MaxWait < 0:
		c.MaxWait = 0
	}
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxBody == 0 {
		c.MaxBody = 1 << 20
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

// Server answers questions over HTTP. Its handler works from New on: until Start hands it
// a model, /healthz and /readyz answer 503 and so does /v1/answer.
type Server struct {
	cfg      Config
	log      *slog.Logger
	metrics  *metrics
	batcher  *batcher
	model    atomic.Pointer[loaded]
	draining atomic.Bool
	reqSeq   atomic.Uint64
	start    sync.Once
}

// loaded is what Start hands over.
type loaded struct {
	m   Model
	src features.Source
}

// New makes a server with cfg (see Config for the defaults).
func New(cfg Config) (*Server, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: c, log: c.Logger}
	s.batcher = newBatcher(c.MaxBatch, c.MaxWait, c.Queue)
	s.metrics = newMetrics(c.MaxBatch, s.batcher.depth.Load)
	s.batcher.observe = s.metrics.observeBatch
	return s, nil
}

// Start gives the server its model and feature source (src may be nil: inline features
// only) and starts the batcher; from then on /healthz and /readyz answer 200. Start works
// once; the caller keeps ownership of m and src and closes them after Serve returns.
func (s *Server) Start(m Model, src features.Source) error {
	if m == nil {
		return errors.New("serve: Start needs a model")
	}
	err := errors.New("serve: Start called twice")
	s.start.Do(func() {
		s.batcher.start(m.AskItems)
		s.model.Store(&loaded{m: m, src: src})
		err = nil
	})
	return err
}

// Close stops the batcher once the queued requests are answered. Serve calls it; a caller
// that mounts Handler on an http.Server of its own calls it after that server's Shutdown,
// and before closing the model.
func (s *Server) Close() {
	s.draining.Store(true)
	s.batcher.close()
}

// Draining reports whether the server is shutting down (/readyz answers 503).
func (s *Server) Draining() bool { return s.draining.Load() }
