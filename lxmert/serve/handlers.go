package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// Handler returns the server's routes: POST /v1/answer, GET /healthz, /readyz and /metrics.
// Every error is JSON {"error": "..."}.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/v1/answer", s.logged(s.answer, true))
	mux.Handle("/healthz", s.logged(onlyGet(s.healthz), false))
	mux.Handle("/readyz", s.logged(onlyGet(s.readyz), false))
	metrics := s.metrics.handler()
	mux.Handle("/metrics", s.logged(onlyGet(func(w http.ResponseWriter, r *http.Request, _ *reqInfo) {
		metrics.ServeHTTP(w, r)
	}), false))
	mux.Handle("/", s.logged(func(w http.ResponseWriter, r *http.Request, info *reqInfo) {
		fail(w, info, errorf(http.StatusNotFound, "no endpoint %s (try POST /v1/answer)", r.URL.Path))
	}, false))
	return mux
}

// answer is POST /v1/answer: read, check, queue, wait for the batch, reply.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, info *reqInfo) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		fail(w, info, errorf(http.StatusMethodNotAllowed, "method %s is not allowed on /v1/answer (use POST)", r.Method))
		return
	}
	ld := s.model.Load()
	if ld == nil {
		w.Header().Set("Retry-After", "1")
		fail(w, info, errorf(http.StatusServiceUnavailable, "the model is still loading"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	req, herr := readRequest(w, r, s.cfg.MaxBody)
	if herr != nil {
		fail(w, info, herr)
		return
	}
	info.imageID = vqa.ID(req.ImageID)
	it, herr := req.item(ld.m, ld.src, s.cfg.MaxInlineBoxes)
	if herr != nil {
		fail(w, info, herr)
		return
	}
	j := &job{ctx: ctx, item: it, enqueued: time.Now(), done: make(chan outcome, 1)}
	if err := s.batcher.submit(j); err != nil {
		w.Header().Set("Retry-After", "1")
		msg := fmt.Sprintf("the queue is full (%d requests waiting): retry later", s.cfg.Queue)
		if errors.Is(err, errClosed) {
			msg = "the server is shutting down: retry on another replica"
		}
		fail(w, info, errorf(http.StatusServiceUnavailable, "%s", msg))
		return
	}
	var out outcome
	select {
	case out = <-j.done:
	case <-ctx.Done():
		select {
		case out = <-j.done: // answered just in time
		default:
			out.err = ctx.Err()
		}
	}
	switch {
	case out.err == nil:
		info.batch = out.batch
		writeJSON(w, http.StatusOK, out.res)
	case r.Context().Err() != nil:
		info.status, info.err = statusClientClosed, "the client went away before the answer"
	case errors.Is(out.err, context.DeadlineExceeded):
		fail(w, info, errorf(http.StatusGatewayTimeout, "no answer within the timeout of %s", s.cfg.Timeout))
	case errors.Is(out.err, errClosed):
		fail(w, info, errorf(http.StatusServiceUnavailable, "the server stopped before answering: retry on another replica"))
	default:
		fail(w, info, errorf(http.StatusInternalServerError, "%v", out.err))
	}
}

// statusClientClosed is what logs and metrics call a request whose client left (nginx's 499);
// nothing is sent.
const statusClientClosed = 499

// healthz is 200 once the model is loaded (liveness: it stays 200 while draining).
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ *reqInfo) {
	if s.model.Load() == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "loading"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz is 200 when the server takes requests: loaded and not draining.
func (s *Server) readyz(w http.ResponseWriter, _ *http.Request, _ *reqInfo) {
	switch {
	case s.model.Load() == nil:
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "loading"})
	case s.draining.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// onlyGet answers 405 to methods other than GET and HEAD.
func onlyGet(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, info *reqInfo) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			fail(w, info, errorf(http.StatusMethodNotAllowed, "method %s is not allowed on %s (use GET)", r.Method, r.URL.Path))
			return
		}
		h(w, r, info)
	}
}

// fail writes {"error": msg} with the error's status and keeps the message for the log.
func fail(w http.ResponseWriter, info *reqInfo, e *httpError) {
	info.err = e.msg
	writeJSON(w, e.code, map[string]string{"error": e.msg})
}

// writeJSON writes v as the JSON response body.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v) // a failed write means the client left: nothing to do
}
