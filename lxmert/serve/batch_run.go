package serve

import (
	"context"
	"fmt"
	"time"

	"github.com/lxmert-go/golxmert/lxmert/answer"
)

// run answers a batch, dropping jobs whose requester gave up. When the forward fails, each
// job is tried alone, so one bad request cannot fail the others.
func (b *batcher) run(batch []*job) {
	b.depth.Add(-int64(len(batch)))
	live := make([]*job, 0, len(batch))
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.done <- outcome{err: err}
			continue
		}
		if b.aborted.Load() {
			j.done <- outcome{err: errClosed}
			continue
		}
		live = append(live, j)
	}
	if len(live) == 0 {
		return
	}
	err := b.answer(live)
	if err == nil {
		return
	}
	if len(live) == 1 {
		live[0].done <- outcome{err: err}
		return
	}
	for _, j := range live {
		if err := b.answer([]*job{j}); err != nil {
			j.done <- outcome{err: err}
		}
	}
}

// answer runs one forward and delivers its results; on failure it delivers nothing.
func (b *batcher) answer(jobs []*job) error {
	items := make([]answer.Item, len(jobs))
	for i, j := range jobs {
		items[i] = j.item
	}
	start := time.Now()
	res, err := b.safeForward(items)
	if err != nil {
		return err
	}
	if b.observe != nil {
		b.observe(len(jobs), time.Since(start))
	}
	for i, j := range jobs {
		j.done <- outcome{res: res[i], batch: len(jobs)}
	}
	return nil
}

// safeForward turns a panic below into an error: no request may crash the process.
func (b *batcher) safeForward(items []answer.Item) (res []*answer.Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("serve: the forward panicked: %v", p)
		}
	}()
	res, err = b.forward(context.Background(), items)
	if err == nil && len(res) != len(items) {
		err = fmt.Errorf("serve: %d answers for %d questions", len(res), len(items))
	}
	return res, err
}
