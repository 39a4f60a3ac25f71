package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/serve"
)

// runServe is `lxmert serve`: an HTTP answering service (see package serve). It listens
// first, loads the model and the features (/healthz answers 503 meanwhile), serves until
// SIGTERM or SIGINT, then drains and exits 0. A second signal ends it at once.
func runServe(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve")
	model := fs.String("model", "", "QA model folder (default: the embedded demo model)")
	feats := fs.String("features", "", "region features the image ids refer to: .tsv, .arrow, .npz or .safetensors (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "host:port to listen on (port 0: any free port, logged at start)")
	maxBatch := fs.Int("max-batch", 16, "most requests one forward answers")
	maxWait := fs.Duration("max-wait", 5*time.Millisecond, "how long a batch's first request waits for others to join (0: no wait)")
	queue := fs.Int("queue", 256, "requests that may wait for a forward; more get 503 with Retry-After")
	timeout := fs.Duration("timeout", 10*time.Second, "a request's limit from arrival to answer; later ones get 504")
	maxBody := fs.Int64("max-body", 1<<20, "largest request body in bytes; larger ones get 413")
	maxBoxes := fs.Int("max-inline-boxes", 100, "most regions a request's inline features may have")
	maxLen := fs.Int("max-length", 20, "question length in tokens, [CLS] and [SEP] included")
	drainTimeout := fs.Duration("drain-timeout", 30*time.Second, "on SIGTERM/SIGINT, how long in-flight requests may take to finish")
	drainDelay := fs.Duration("drain-delay", 0, "on SIGTERM/SIGINT, keep answering this long with /readyz at 503 before closing the listener")
	logFormat := fs.String("log-format", "json", "log lines on stderr: json or text")
	debug := fs.Bool("debug", false, "also log /healthz, /readyz and /metrics requests")
	threads := fs.Int("threads", 0, threadsHelp)
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required("--features", *feats); err != nil {
		return err
	}
	switch {
	case *maxBatch < 1 || *queue < 1 || *maxBody < 1 || *maxBoxes < 1 || *maxLen < 3:
		return usagef("--max-batch, --queue, --max-body and --max-inline-boxes must be at least 1 and --max-length at least 3")
	case *maxWait < 0 || *drainDelay < 0:
		return usagef("--max-wait and --drain-delay must not be negative")
	case *timeout <= 0 || *drainTimeout <= 0:
		return usagef("--timeout and --drain-timeout must be positive")
	case *logFormat != "json" && *logFormat != "text":
		return usagef("--log-format %q is not json or text", *logFormat)
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	var h slog.Handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	if *logFormat == "text" {
		h = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(h)
	if err := setThreads(*threads); err != nil {
		return err
	}
	wait := *maxWait
	if wait == 0 {
		wait = -1 // serve.Config reads 0 as the default and a negative wait as none
	}
	s, err := serve.New(serve.Config{MaxBatch: *maxBatch, MaxWait: wait, Queue: *queue, Timeout: *timeout,
		MaxBody: *maxBody, MaxInlineBoxes: *maxBoxes, DrainDelay: *drainDelay, DrainTimeout: *drainTimeout, Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // from now on a second signal ends the process at once
	}()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	a, src, err := openServing(*model, *feats, *maxLen)
	if err != nil {
		stop()
		<-done
		return err
	}
	defer a.Close()
	defer src.Close()
	if ctx.Err() != nil { // signalled while loading: Serve has drained already
		return <-done
	}
	if err := s.Start(a, src); err != nil {
		stop()
		<-done
		return err
	}
	name := *model
	if name == "" {
		name = "(embedded default model)"
	}
	log.Info("ready", "model", name, "answers", a.NumLabels(), "features", *feats, "images", src.Len(),
		"max_batch", *maxBatch, "max_wait", maxWait.String(), "queue", *queue, "timeout", timeout.String())
	return <-done
}

// openServing loads the model and the features and answers one question about the first
// image: a feature file that does not suit the model fails at start rather than on every
// request, and the first request does not pay for libtorch's warm-up.
func openServing(model, feats string, maxLen int) (*answer.Answerer, features.Source, error) {
	a, err := loadAnswerer(model, answer.Options{MaxLength: maxLen})
	if err != nil {
		return nil, nil, err
	}
	src, err := features.Open(feats)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	if ids := src.IDs(); len(ids) > 0 {
		img, err := src.Image(ids[0])
		if err == nil {
			err = a.Check(img)
		}
		if err == nil {
			_, err = a.Ask(context.Background(), img, "what is there?")
		}
		if err != nil {
			src.Close()
			a.Close()
			return nil, nil, fmt.Errorf("%s does not suit the model: %w", feats, err)
		}
	}
	return a, src, nil
}
