package rules

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

// MaxFileSize caps a _redirects or _headers file in bytes.
const MaxFileSize = 16 << 20

// scanLines calls fn with each line number and line of r, without the line
// ending or a leading UTF-8 BOM, until fn returns false. Over-long lines
// and files, and read errors, become problems. The returned error is only
// a read error that is not the file's fault.
func scanLines(r io.Reader, ps *problems, fn func(n int, line string) bool) error {
	lr := &io.LimitedReader{R: r, N: MaxFileSize + 1}
	br := bufio.NewReaderSize(lr, MaxLineLength+2) // room for "\r\n"
	for n := 1; ; n++ {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if !ps.add(n, "the line is longer than %d bytes", MaxLineLength) {
				return nil
			}
			b = nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		if lr.N <= 0 {
			ps.add(n, "the file is larger than %d MiB", MaxFileSize>>20)
			return nil
		}
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
		}
		if len(b) > MaxLineLength {
			if !ps.add(n, "the line is longer than %d bytes", MaxLineLength) {
				return nil
			}
		} else if len(b) > 0 && !fn(n, string(b)) {
			return nil
		}
		if err == io.EOF {
			return nil
		}
	}
}

// statusList is the supported statuses, for messages.
const statusList = "301, 302, 307, 308, 200, 404 or 410"

// parseStatus parses "301", "200!" and the like.
func parseStatus(s string) (status int, force bool, msg string) {
	if n := len(s); n > 0 && s[n-1] == '!' {
		s, force = s[:n-1], true
	}
	if s == "" {
		return 0, false, "the status \"!\" needs a number, as in 200!"
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false, "the status " + quote(s) + " is not a number; use " + statusList
	}
	return n, force, ""
}

func validStatus(n int) bool {
	switch n {
	case 200, 301, 302, 307, 308, 404, 410:
		return true
	}
	return false
}
