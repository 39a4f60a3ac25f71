package serve

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/answer"
)

var (
	errQueueFull = errors.New("the queue is full")
	errClosed    = errors.New("the server is shutting down")
)

// job is one request waiting for its answer.
type job struct {
	ctx      context.Context // the request's: once done, the job is dropped unanswered
	item     answer.Item
	enqueued time.Time
	done     chan outcome // buffered, so the batcher never waits for a requester that left
}

// outcome is a job's answer, or why it has none.
type outcome struct {
	res   *answer.Result
	batch int // requests in the forward that answered it
	err   error
}

// batcher owns the forwards: one goroutine takes queued jobs, lets the first wait up to
// maxWait for others (fewer than maxBatch), and answers them in one forward.
type batcher struct {
	maxBatch int
	maxWait  time.Duration
	capacity int
	queue    chan *job
	depth    atomic.Int64 // admitted and not yet in a forward (the queue_depth gauge)
	forward  func(context.Context, []answer.Item) ([]*answer.Result, error)
	observe  func(size int, took time.Duration)
	mu       sync.RWMutex // held for writing only to close queue
	closed   bool
	started  atomic.Bool
	aborted  atomic.Bool // set by abort: queued jobs get errClosed, not a forward
	stopped  chan struct{}
}

func newBatcher(maxBatch int, maxWait time.Duration, capacity int) *batcher {
	return &batcher{maxBatch: maxBatch, maxWait: maxWait, capacity: capacity,
		queue: make(chan *job, capacity), stopped: make(chan struct{})}
}

// submit queues j, or says the queue is full or closed. It never blocks: depth counts
// every job in the channel, and admission keeps depth within the channel's capacity.
func (b *batcher) submit(j *job) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return errClosed
	}
	if b.depth.Add(1) > int64(b.capacity) {
		b.depth.Add(-1)
		return errQueueFull
	}
	b.queue <- j
	return nil
}

// close refuses new jobs, lets the loop answer the queued ones, and waits for it to end.
func (b *batcher) close() {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	if b.started.Load() {
		<-b.stopped
	}
}

// start runs the loop with forward in its own goroutine.
func (b *batcher) start(forward func(context.Context, []answer.Item) ([]*answer.Result, error)) {
	b.forward = forward
	b.started.Store(true)
	go b.loop()
}

// abort is close without answering what is still queued.
func (b *batcher) abort() {
	b.aborted.Store(true)
	b.close()
}

// loop forms batches until the queue is closed and empty.
func (b *batcher) loop() {
	defer close(b.stopped)
	for first := range b.queue {
		b.run(b.collect([]*job{first}, first.enqueued.Add(b.maxWait)))
	}
}

// collect adds queued jobs to batch, then waits for more until deadline (the first job's
// arrival plus maxWait) or until the batch is full. Under load the first job has waited
// for the previous forward already, so the queued jobs go without further delay.
func (b *batcher) collect(batch []*job, deadline time.Time) []*job {
	for len(batch) < b.maxBatch {
		select {
		case j, ok := <-b.queue:
			if !ok {
				return batch
			}
			batch = append(batch, j)
			continue
		default:
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return batch
		}
		t := time.NewTimer(wait)
		select {
		case j, ok := <-b.queue:
			t.Stop()
			if !ok {
				return batch
			}
			batch = append(batch, j)
		case <-t.C:
			return batch
		}
	}
	return batch
}
