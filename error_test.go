package igny8_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/igny8/igny8"
)

func TestErrorCode(t *testing.T) {
	wrapped := fmt.Errorf("create site %q: %w", "a", igny8.Errorf(igny8.EConflict, "slug %q is taken", "a"))
	tests := []struct {
		err     error
		code    string
		message string
	}{
		{nil, "", ""},
		{errors.New("boom"), igny8.EInternal, "Internal error."},
		{wrapped, igny8.EConflict, `slug "a" is taken`},
	}
	for _, tt := range tests {
		if got := igny8.ErrorCode(tt.err); got != tt.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.code)
		}
		if got := igny8.ErrorMessage(tt.err); got != tt.message {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tt.err, got, tt.message)
		}
	}
}
