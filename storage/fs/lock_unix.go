//go:build unix

package fs

import (
	"errors"
	"os"
	"syscall"
)

// flock opens (creating if needed) the lock file at path and takes an
// exclusive flock(2) on it, waiting as long as another holder keeps it.
// Closing the returned file releases the lock, and so does the death of the
// process, which is why a crashed writer never leaves a bucket locked.
//
// flock locks belong to the open file description, so two opens in one
// process exclude each other too; Store.lock still queues goroutines first.
func flock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return f, nil
}
