package fs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/storagetest"
)

// The test binary doubles as the writer process of TestProcesses: with
// IGNY8_FS_CHILD set it runs one job and exits with its code.
func TestMain(m *testing.M) {
	if mode := os.Getenv("IGNY8_FS_CHILD"); mode != "" {
		os.Exit(child(mode))
	}
	os.Exit(m.Run())
}

// Exit codes of a child.
const (
	childWon  = 0
	childErr  = 1
	childLost = 3
)

func child(mode string) int {
	ctx := context.Background()
	s, err := fs.Open(os.Getenv("IGNY8_FS_ROOT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childErr
	}
	bucket, barrier := os.Getenv("IGNY8_FS_BUCKET"), os.Getenv("IGNY8_FS_BARRIER")
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, err := os.Stat(barrier); err == nil {
			break
		} else if time.Now().After(deadline) {
			fmt.Fprintln(os.Stderr, "barrier never opened")
			return childErr
		}
	}
	switch mode {
	case "create":
		data := strconv.Itoa(os.Getpid())
		_, err = s.Put(ctx, bucket, "refs/live", strings.NewReader(data), int64(len(data)), storage.PutOptions{IfNotExist: true})
		if errors.Is(err, storage.ErrPrecondition) {
			return childLost
		}
	case "increment":
		for i := 0; i < 20 && err == nil; i++ {
			err = increment(nil, s, bucket, "n")
		}
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return childErr
	}
	return childWon
}

// TestProcesses races writer processes on one folder: exactly one
// create-only Put wins, and compare-and-swap increments lose nothing.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes; skipped with -short")
	}
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := mustOpen(t, dir)
	b := storagetest.NewBucket(t, s)

	run := func(mode string, n int) []int {
		barrier := filepath.Join(t.TempDir(), "go")
		cmds := make([]*exec.Cmd, n)
		logs := make([]bytes.Buffer, n)
		for i := range cmds {
			cmds[i] = exec.CommandContext(t.Context(), exe)
			cmds[i].Env = append(os.Environ(), "IGNY8_FS_CHILD="+mode, "IGNY8_FS_ROOT="+dir,
				"IGNY8_FS_BUCKET="+b, "IGNY8_FS_BARRIER="+barrier)
			cmds[i].Stderr = &logs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(barrier, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		codes := make([]int, n)
		for i, cmd := range cmds {
			_ = cmd.Wait()
			codes[i] = cmd.ProcessState.ExitCode()
			if codes[i] == childErr {
				t.Errorf("%s child %d: %s", mode, i, logs[i].String())
			}
		}
		return codes
	}

	wins := 0
	for _, code := range run("create", 4) {
		if code == childWon {
			wins++
		}
	}
	if wins != 1 {
		t.Errorf("%d processes won the create-only Put, want 1", wins)
	}

	if _, err := s.Put(t.Context(), b, "n", strings.NewReader("0"), 1, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	run("increment", 4)
	if got := readString(t, s, b, "n"); got != "80" {
		t.Errorf("counter = %s, want 80", got)
	}
}

// increment adds one to the number at key with a compare-and-swap loop. tb
// may be nil in a child process.
func increment(tb testing.TB, s storage.Store, bucket, key string) error {
	ctx := context.Background()
	if tb != nil {
		ctx = tb.Context()
	}
	for {
		rc, info, err := s.Get(ctx, bucket, key, storage.GetOptions{})
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(string(data))
		if err != nil {
			return err
		}
		next := strconv.Itoa(n + 1)
		_, err = s.Put(ctx, bucket, key, strings.NewReader(next), int64(len(next)), storage.PutOptions{IfGenerationMatch: info.Generation})
		if !errors.Is(err, storage.ErrPrecondition) {
			return err
		}
	}
}

func readString(tb testing.TB, s storage.Store, bucket, key string) string {
	tb.Helper()
	rc, _, err := s.Get(tb.Context(), bucket, key, storage.GetOptions{})
	if err != nil {
		tb.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatalf("read %q: %v", key, err)
	}
	return string(data)
}
