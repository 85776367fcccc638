package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

// crashEnv makes the test binary a worker that dies mid-job (see
// TestMain): "url account key mode" with mode after_reserve or
// after_capture.
const crashEnv = "IGNY8_CREDITS_CRASH_WORKER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(crashEnv); spec != "" {
		crashWorker(spec)
		return
	}
	os.Exit(m.Run())
}

// crashWorker reserves (and captures, for after_capture) and then kills
// its own process with SIGKILL: no deferred function, no release.
func crashWorker(spec string) {
	var url, key, mode string
	var account int64
	if _, err := fmt.Sscan(spec, &url, &account, &key, &mode); err != nil {
		fmt.Fprintln(os.Stderr, "crash worker:", err)
		os.Exit(2)
	}
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: account, Role: igny8.RoleEditor})
	db, err := postgres.Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash worker:", err)
		os.Exit(2)
	}
	l := postgres.NewLedger(db, postgres.LedgerConfig{})
	if _, err := l.Reserve(ctx, igny8.HoldRequest{Key: key, Operation: igny8.OpContent, Credits: 50}); err != nil {
		fmt.Fprintln(os.Stderr, "crash worker: reserve:", err)
		os.Exit(2)
	}
	if mode == "after_capture" {
		if _, err := l.Capture(ctx, key, 40, igny8.UsageDetail{Metadata: map[string]any{"words": 4000}}); err != nil {
			fmt.Fprintln(os.Stderr, "crash worker: capture:", err)
			os.Exit(2)
		}
	}
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// runCrashWorker runs the worker and checks it died of SIGKILL.
func runCrashWorker(t *testing.T, url string, account int64, key, mode string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnv+"="+url+" "+strconv.FormatInt(account, 10)+" "+key+" "+mode)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("crash worker: %v, want it killed\n%s", err, out)
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("crash worker ended with %v, want SIGKILL\n%s", err, out)
	}
}

// A worker killed between reserve and capture leaves no charge once its
// hold expires and the sweeper runs; the job's retry is charged once.
func TestCreditsCrashBeforeCapture(t *testing.T) {
	b := setupCredits(t, 1000)
	ctx, acc := b.account(t, "alpha")
	b.db.Replenish(ctx, acc, "2026-11")
	runCrashWorker(t, b.url, acc, "job-1", "after_reserve")

	if bal, res := b.state(t, acc); bal != 1000 || res != 50 {
		t.Fatalf("after the crash: balance %d reserved %d, want 1000 and the dead job's 50", bal, res)
	}
	if n, err := b.db.ExpireHolds(context.Background()); err != nil || n != 0 {
		t.Fatalf("sweep before the hold expires: %d, %v; want nothing swept", n, err)
	}
	// Time passes: the hold's expiry (15 minutes) is behind us.
	if _, err := b.owner.Exec(context.Background(), `UPDATE credit_holds SET expires_at = now() - interval '1 second' WHERE idempotency_key = 'job-1'`); err != nil {
		t.Fatal(err)
	}
	if n, err := b.db.ExpireHolds(context.Background()); err != nil || n != 1 {
		t.Fatalf("sweep: %d, %v; want 1 hold expired", n, err)
	}
	if bal, res := b.state(t, acc); bal != 1000 || res != 0 {
		t.Errorf("after the sweep: balance %d reserved %d, want 1000 and 0: no charge", bal, res)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_transactions WHERE account_id = $1 AND kind = 'usage'`, acc); n != 0 {
		t.Errorf("%d usage transactions for a job that never finished", n)
	}
	if n, _ := b.db.ExpireHolds(context.Background()); n != 0 {
		t.Errorf("a second sweep expired %d more", n)
	}

	// The job's retry reuses the key: held again, charged once.
	r, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "job-1", Operation: igny8.OpContent, Credits: 50})
	if err != nil || r.State != igny8.HoldHeld || r.Reserved != 50 {
		t.Fatalf("retry's Reserve = %+v, %v; want held again", r, err)
	}
	if _, err := b.l.Capture(ctx, "job-1", 40, igny8.UsageDetail{}); err != nil {
		t.Fatal(err)
	}
	if bal, res := b.state(t, acc); bal != 960 || res != 0 {
		t.Errorf("after the retry: balance %d reserved %d, want 960 and 0", bal, res)
	}
}

// A worker killed after capture (before it could mark its job done) is
// retried; the retry finds the capture and is not charged again.
func TestCreditsCrashAfterCapture(t *testing.T) {
	b := setupCredits(t, 1000)
	ctx, acc := b.account(t, "alpha")
	b.db.Replenish(ctx, acc, "2026-11")
	runCrashWorker(t, b.url, acc, "job-2", "after_capture")
	if bal, res := b.state(t, acc); bal != 960 || res != 0 {
		t.Fatalf("after the crash: balance %d reserved %d, want 960 and 0", bal, res)
	}

	r, err := b.l.Reserve(ctx, igny8.HoldRequest{Key: "job-2", Operation: igny8.OpContent, Credits: 50})
	if err != nil || r.State != igny8.HoldCaptured {
		t.Fatalf("retry's Reserve = %+v, %v; want the captured hold", r, err)
	}
	c, err := b.l.Capture(ctx, "job-2", 40, igny8.UsageDetail{})
	if err != nil || !c.Already || c.Charged != 40 {
		t.Fatalf("retry's Capture = %+v, %v; want already charged 40", c, err)
	}
	if n, err := b.db.ExpireHolds(context.Background()); err != nil || n != 0 {
		t.Errorf("sweep: %d, %v; want nothing to expire", n, err)
	}
	if bal, res := b.state(t, acc); bal != 960 || res != 0 {
		t.Errorf("after the retry: balance %d reserved %d, want 960 and 0 (charged once)", bal, res)
	}
	if n := b.count(t, `SELECT count(*) FROM credit_usage WHERE account_id = $1`, acc); n != 1 {
		t.Errorf("%d usage rows, want 1", n)
	}
}
