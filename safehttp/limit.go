package safehttp

import (
	"fmt"
	"io"
)

// TooLargeError is the error for a response body larger than the limit.
type TooLargeError struct {
	URL   string // scheme and host of the response's request
	Limit int64  // the limit, in bytes
}

// Error names the response and the limit it passed.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("The response from %s is larger than %d bytes, the most IGNY8 reads for this request; make it smaller or link to a smaller resource.", e.URL, e.Limit)
}

// limitedBody reads at most limit bytes and fails, rather than stopping
// quietly, when the body holds more.
type limitedBody struct {
	rc          io.ReadCloser
	url         string
	left, limit int64
	err         error // sticky: once too large, always too large
}

func (b *limitedBody) tooLarge() error { return &TooLargeError{URL: b.url, Limit: b.limit} }

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.left <= 0 {
		// At the limit: the body is fine only if nothing follows.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			b.err = b.tooLarge()
			return 0, b.err
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
