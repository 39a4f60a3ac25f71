package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Serve answers on ln until ctx is done, then drains: /readyz turns 503 (for DrainDelay,
// still answering, so a load balancer can take the replica out), the listener closes,
// in-flight requests finish, the batcher stops. It returns nil when every in-flight
// request was answered within DrainTimeout, and an error saying how many were cut off
// otherwise (or when ln fails). A Server serves once; the caller closes the model after
// Serve returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Timeout + 10*time.Second, // a body that slow has timed out anyway
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		s.Close()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("draining", "queued", s.batcher.depth.Load(), "drain_delay", s.cfg.DrainDelay.String(), "drain_timeout", s.cfg.DrainTimeout.String())
	if s.cfg.DrainDelay > 0 {
		time.Sleep(s.cfg.DrainDelay)
	}
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(sctx) // closes the listener, waits for handlers (and so for their batches)
	if errors.Is(err, context.DeadlineExceeded) {
		left := s.batcher.depth.Load()
		srv.Close()
		s.batcher.abort() // answer no more: the caller frees the model once Serve returns
		return fmt.Errorf("serve: drain timeout %s: requests still in flight were cut off (%d of them queued)", s.cfg.DrainTimeout, left)
	}
	s.Close()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.log.Info("drained", "took_ms", time.Since(start).Milliseconds())
	return nil
}
