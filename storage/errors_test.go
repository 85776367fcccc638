package storage_test

import (
	"fmt"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// TestErrorCodes checks that wrapped sentinels reach the API as the right
// igny8 codes, with messages that name nothing internal.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		code string
	}{
		{storage.ErrNotFound, igny8.ENotFound},
		{storage.ErrBucketNotFound, igny8.ENotFound},
		{storage.ErrPrecondition, igny8.EConflict},
		{storage.ErrBucketExists, igny8.EConflict},
		{storage.ErrBucketNotEmpty, igny8.EConflict},
		{storage.ErrInvalid, igny8.EInvalid},
		{storage.ErrInvalidRange, igny8.EInvalid},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("put %q: %w", "igny8-site-x/refs/live", tt.err)
		if got := igny8.ErrorCode(wrapped); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", wrapped, got, tt.code)
		}
		if got, want := igny8.ErrorMessage(wrapped), igny8.ErrorMessage(tt.err); got != want {
			t.Errorf("ErrorMessage(%v) = %q, want %q", wrapped, got, want)
		}
	}
}
