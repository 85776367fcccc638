package s3test_test

import (
	"runtime"
	"testing"

	"github.com/igny8/igny8/storage/s3/s3test"
)

// recorder is a testing.TB that records Fatal and Skip instead of acting.
type recorder struct {
	testing.TB
	fatal, skip bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatal(...any)          { r.fatal = true; runtime.Goexit() }
func (r *recorder) Skip(...any)           { r.skip = true; runtime.Goexit() }
func (r *recorder) Fatalf(string, ...any) { r.Fatal() }

func config(t *testing.T) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		s3test.Config(r)
	}()
	<-done
	return r
}

// TestConfig checks the rule that CI never passes by skipping: no endpoint
// skips locally but fails under CI=true.
func TestConfig(t *testing.T) {
	tests := []struct {
		ci, endpoint string
		fatal, skip  bool
	}{
		{ci: "", endpoint: "", skip: true},
		{ci: "false", endpoint: "", skip: true},
		{ci: "true", endpoint: "", fatal: true},
		{ci: "true", endpoint: "http://127.0.0.1:9000"},
		{ci: "", endpoint: "http://127.0.0.1:9000"},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.ci)
		t.Setenv(s3test.EnvEndpoint, tt.endpoint)
		r := config(t)
		if r.fatal != tt.fatal || r.skip != tt.skip {
			t.Errorf("CI=%q endpoint=%q: fatal %v skip %v, want fatal %v skip %v", tt.ci, tt.endpoint, r.fatal, r.skip, tt.fatal, tt.skip)
		}
	}
}
