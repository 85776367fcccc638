package main

import (
	"strings"
	"testing"
)

// TestGCGrace: --grace 0s means the shortest grace, with a message saying
// so; a shorter one is refused with the minimum and the reason.
func TestGCGrace(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir()}
	for _, tc := range []struct {
		grace  string
		code   int
		stderr string
	}{
		{"0s", exitOK, "--grace 0s means the minimum, 40s: one deploy lease (30s) plus 10s of clock margin"},
		{"39s", exitUsage, "--grace 39s is too short: the minimum is 40s, one deploy lease (30s)"},
		{"-1h", exitUsage, "the minimum is 40s"},
		{"40s", exitOK, ""},
	} {
		code, stdout, stderr := runEnv(t, vars, "gc", "--site", "shop", "--grace", tc.grace)
		if code != tc.code || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("gc --grace %s: exit %d, stderr %q; want exit %d and %q", tc.grace, code, stderr, tc.code, tc.stderr)
		}
		if code == exitOK && !strings.Contains(stdout, "shop: kept 0 deploys") {
			t.Errorf("gc --grace %s: stdout %q", tc.grace, stdout)
		}
	}
}
