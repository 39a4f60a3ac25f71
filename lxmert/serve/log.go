package serve

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// handlerFunc is a handler that reports to its request's log line.
type handlerFunc func(http.ResponseWriter, *http.Request, *reqInfo)

// reqInfo is what a handler tells the log line beyond the status.
type reqInfo struct {
	status  int // set when nothing was written (499)
	batch   int
	imageID string
	err     string
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// instance tells this process's request ids from other replicas'.
var instance = func() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}()

// logged runs h and writes one log line per request: status, latency, batch size. Answer
// requests are logged at Info and counted in the metrics; probes and scrapes at Debug.
func (s *Server) logged(h handlerFunc, answerPath bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = fmt.Sprintf("%s-%d", instance, s.reqSeq.Add(1))
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		info := &reqInfo{}
		h(sw, r, info)
		code := sw.status
		switch {
		case info.status != 0:
			code = info.status
		case code == 0:
			code = http.StatusOK
		}
		took := time.Since(start)
		level := slog.LevelDebug
		if answerPath {
			s.metrics.observeRequest(code, took)
			level = slog.LevelInfo
		}
		attrs := []slog.Attr{slog.String("id", id), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", code), slog.Float64("latency_ms", float64(took.Microseconds())/1000), slog.String("remote", r.RemoteAddr)}
		if info.batch > 0 {
			attrs = append(attrs, slog.Int("batch", info.batch))
		}
		if info.imageID != "" {
			attrs = append(attrs, slog.String("image_id", info.imageID))
		}
		if info.err != "" {
			attrs = append(attrs, slog.String("error", info.err))
		}
		s.log.LogAttrs(r.Context(), level, "request", attrs...)
	})
}

// validRequestID accepts a caller's X-Request-Id of 1-128 printable ASCII characters.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
