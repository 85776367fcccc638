package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runEnv runs a command with the given environment variables.
func runEnv(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb syncBuffer
	code := run(context.Background(), args, &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
	return code, out.String(), errb.String()
}

func TestDeployLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir()}
	code, stdout, stderr := runEnv(t, vars, "deploy", fixture, "--site", "golden")
	if code != exitOK || !strings.Contains(stdout, "Live at http://golden.localhost:8081/") {
		t.Fatalf("first deploy: exit %d\n%s%s", code, stdout, stderr)
	}
	first := regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]
	if want := "Preview at http://" + strings.ToLower(first) + "--golden.localhost:8081/"; !strings.Contains(stdout, want) {
		t.Errorf("deploy output lacks %q:\n%s", want, stdout)
	}

	// The same site again, as a built folder with a _redirects file: only
	// the changed rules make a new deploy; no blob is uploaded again.
	out := filepath.Join(t.TempDir(), "site")
	if code, _, stderr := runCmd(t, "build", fixture, "-o", out); code != exitOK {
		t.Fatalf("build: %s", stderr)
	}
	if err := os.WriteFile(filepath.Join(out, "_redirects"), []byte("/old /blocks/ 301\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runEnv(t, vars, "deploy", out, "--site", "golden")
	if code != exitOK || !strings.Contains(stdout, "uploaded 0 files") {
		t.Fatalf("second deploy: exit %d, want nothing uploaded\n%s%s", code, stdout, stderr)
	}
	second := regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]

	code, stdout, _ = runEnv(t, vars, "deploys", "--site", "golden")
	if code != exitOK || !strings.Contains(stdout, "* "+second) || !strings.Contains(stdout, "  "+first) {
		t.Errorf("deploys: exit %d, want %s live above %s:\n%s", code, second, first, stdout)
	}
	code, stdout, stderr = runEnv(t, vars, "rollback", "--site", "golden")
	if code != exitOK || !strings.HasPrefix(stdout, first+" is live") {
		t.Errorf("rollback: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runEnv(t, vars, "gc", "--keep-last", "1", "--keep-days", "0")
	if code != exitOK || !strings.Contains(stdout, "golden: kept 2 deploys") {
		t.Errorf("gc must keep the live deploy and its undo target: exit %d\n%s%s", code, stdout, stderr)
	}

	if err := os.WriteFile(filepath.Join(out, "_redirects"), []byte("/a /b 301\n/c /d 299\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runEnv(t, vars, "deploy", out, "--site", "golden")
	if code != exitUsage || !strings.Contains(stderr, "_redirects:2: status 299 is not supported") {
		t.Errorf("bad _redirects: exit %d, %q", code, stderr)
	}
}

func TestEdgeCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	vars := map[string]string{
		"IGNY8_STORAGE":         "fs://" + t.TempDir(),
		"IGNY8_EDGE_ADDR":       "127.0.0.1:0",
		"IGNY8_EDGE_ADMIN_ADDR": "127.0.0.1:0",
	}
	code, stdout, stderr := runEnv(t, vars, "deploy", fixture, "--site", "golden")
	if code != exitOK {
		t.Fatalf("deploy: %s%s", stdout, stderr)
	}
	deployID := regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"edge"}, &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }})
	}()
	addrRE := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+) `)
	var base string
	waitFor(t, 10*time.Second, func() bool {
		m := addrRE.FindStringSubmatch(out.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	}, "edge never printed its address: "+errb.String())

	req, _ := http.NewRequest(http.MethodGet, base+"/blocks/", nil)
	req.Host = "golden.localhost"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("X-Deploy-Id") != deployID {
		t.Errorf("GET /blocks/ = %d, X-Deploy-Id %q; want 200 from %s", res.StatusCode, res.Header.Get("X-Deploy-Id"), deployID)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("edge exited %d after shutdown: %s", code, errb.String())
	}
}

func TestConfigProblems(t *testing.T) {
	code, _, stderr := runEnv(t, map[string]string{
		"IGNY8_STORAGE":    "ftp://x",
		"IGNY8_EDGE_ADDR":  "8081",
		"IGNY8_LOG_FORMAT": "xml",
	}, "deploys", "--site", "a")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{`IGNY8_STORAGE="ftp://x": want fs://PATH`, `IGNY8_EDGE_ADDR="8081": want HOST:PORT`, `IGNY8_LOG_FORMAT="xml"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	code, _, stderr = runEnv(t, map[string]string{"IGNY8_STORAGE": "s3://"}, "gc")
	if code != exitUsage || !strings.Contains(stderr, "set IGNY8_S3_ENDPOINT") {
		t.Errorf("s3 without credentials: exit %d, %q", code, stderr)
	}
}
