package deployer

import (
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/igny8/igny8"
)

// deployIDTime is the time part of a deploy id, in UTC.
const deployIDTime = "20060102T150405Z"

// deployIDLen is the length of a deploy id: the time, "-" and 8 hex digits.
const deployIDLen = len(deployIDTime) + 1 + 8

// newDeployID returns a deploy id for t: its UTC time to the second, then
// random hex, as in 20261124T192501Z-3f9a1c07. Ids sort by time, and the
// create-only manifest write catches the unlikely collision.
func newDeployID(t time.Time, random io.Reader) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "", fmt.Errorf("new deploy id: %w", err)
	}
	return t.UTC().Format(deployIDTime) + "-" + hex.EncodeToString(b[:]), nil
}

// ParseDeployID checks a deploy id and returns the time it was made. It
// accepts the lowercase form a host name carries and returns the id in its
// canonical form.
func ParseDeployID(id string) (string, time.Time, error) {
	invalid := igny8.Errorf(igny8.EInvalid, "Invalid deploy id %q.", id)
	if len(id) != deployIDLen || id[len(deployIDTime)] != '-' {
		return "", time.Time{}, invalid
	}
	b := []byte(id)
	for _, i := range []int{8, 15} { // T and Z
		if b[i] == 't' || b[i] == 'z' {
			b[i] -= 'a' - 'A'
		}
	}
	t, err := time.Parse(deployIDTime, string(b[:len(deployIDTime)]))
	if err != nil {
		return "", time.Time{}, invalid
	}
	for _, c := range b[len(deployIDTime)+1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", time.Time{}, invalid
		}
	}
	return string(b), t, nil
}
