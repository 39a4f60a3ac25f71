package lxmert

import (
	"context"
	"errors"
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// run builds the forward state for one call: the scope, the mode read under the shared lock,
// and the caller's context.
func (p *params) run(s *binding.Scope, opts Options) run {
	return run{s: s, train: p.g.training, ctx: opts.Context}
}

// check stops the forward at a layer boundary once the context is done: the context's error
// becomes the scope's, so every later operation does nothing and the forward returns it.
func (r run) check() {
	if r.ctx == nil {
		return
	}
	if err := r.ctx.Err(); err != nil {
		r.s.Fail(err)
	}
}

// ctxDone is the context's Done channel, nil without a context or when it cannot end.
func (r run) ctxDone() <-chan struct{} {
	if r.ctx == nil {
		return nil
	}
	return r.ctx.Done()
}

// forwardError wraps a forward's failure with where it happened, except a cancellation,
// which is returned as the context reported it.
func forwardError(where string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %w", where, err)
}

// ForwardContext is Forward with a context checked between layers (see Options.Context).
func (m *LxmertModel) ForwardContext(ctx context.Context, in Inputs, opts Options) (*LxmertModelOutput, error) {
	opts.Context = ctx
	return m.Forward(in, opts)
}

// ForwardContext is Forward with a context checked between layers (see Options.Context).
func (m *LxmertForPreTraining) ForwardContext(ctx context.Context, in Inputs, labels *PreTrainingLabels, opts Options) (*LxmertForPreTrainingOutput, error) {
	opts.Context = ctx
	return m.Forward(in, labels, opts)
}

// ForwardContext is Forward with a context checked between layers (see Options.Context).
func (m *LxmertForQuestionAnswering) ForwardContext(ctx context.Context, in Inputs, labels *QuestionAnsweringLabels, opts Options) (*LxmertForQuestionAnsweringOutput, error) {
	opts.Context = ctx
	return m.Forward(in, labels, opts)
}
