package aitest

import (
	"context"
	"sync"

	"github.com/igny8/igny8"
)

// Recorder is an in-memory ai.Recorder.
type Recorder struct {
	mu    sync.Mutex
	calls []*igny8.AICall
}

// RecordAICall keeps a copy of c.
func (r *Recorder) RecordAICall(_ context.Context, c *igny8.AICall) error {
	cp := *c
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, &cp)
	return nil
}

// Calls returns the calls recorded so far, in order.
func (r *Recorder) Calls() []*igny8.AICall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*igny8.AICall(nil), r.calls...)
}
