package shopify

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8"
)

// Error is the error of a request Shopify did not carry out. Its message
// is a sentence for the site owner and never holds the access token.
// Find it with errors.As; igny8.ErrorCode and igny8.ErrorMessage read its
// code and message.
type Error struct {
	// Code is an igny8 error code: EUnauthorized (a refused token),
	// EForbidden (missing access, a frozen or locked shop), ENotFound (no
	// such shop or API version, a deleted remote object), EInvalid (a
	// refused input, missing scopes), EConflict (a handle taken by an
	// object IGNY8 did not make), EInternal (transient: try again later).
	Code    string
	Message string
	// Permanent is true when retrying cannot help until someone changes
	// something (the token, the scopes, the content).
	Permanent bool
	// Status is the HTTP status of the last answer, 0 if none.
	Status int
	// RetryAfter is how long Shopify asked IGNY8 to wait, 0 if it did not.
	RetryAfter time.Duration
	// Attempts is how many requests were sent.
	Attempts int
	// Err is the error behind it, if any (a network error, ctx's error).
	Err error

	ambiguous bool // the request may have been carried out
	stopped   bool // ctx ended the wait or the request
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Retryable tells the job runner whether another attempt may help.
func (e *Error) Retryable() bool { return !e.Permanent }

// Unwrap returns the *igny8.Error that carries the code, and Err.
func (e *Error) Unwrap() []error {
	errs := []error{&igny8.Error{Code: e.Code, Message: e.Message}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func permanent(code, format string, args ...any) *Error {
	return &Error{Code: code, Permanent: true, Message: fmt.Sprintf(format, args...)}
}

// userError is one of a mutation's userErrors.
type userError struct {
	Field   []string `json:"field"`
	Message string   `json:"message"`
	Code    string   `json:"code"`
}

// userErrorsError turns a mutation's userErrors into a permanent invalid
// error naming each field, such as
// "Shopify refused the page: handle: Handle has already been taken."
func userErrorsError(what string, errs []userError) error {
	if len(errs) == 0 {
		return nil
	}
	var parts []string
	for _, e := range errs {
		msg := strings.TrimSuffix(strings.TrimSpace(e.Message), ".")
		if f := fieldName(e.Field); f != "" {
			msg = f + ": " + msg
		}
		parts = append(parts, msg)
	}
	return permanent(igny8.EInvalid, "Shopify refused the %s: %s.", what, strings.Join(parts, "; "))
}

// fieldName writes a userError's field path without the argument name
// Shopify puts first: ["page", "handle"] → "handle", ["files", "0",
// "originalSource"] → "files[0].originalSource".
func fieldName(path []string) string {
	if len(path) > 1 {
		switch path[0] {
		case "page", "article", "blog", "collection", "input", "product":
			path = path[1:]
		}
	}
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// retryAfter reads a Retry-After header, in seconds (fractions allowed:
// Shopify sends "2.0") or as an HTTP date; 0 when absent or malformed.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if !(secs > 0) {
			return 0
		}
		if secs > maxThrottleWait.Seconds() {
			return maxThrottleWait
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxThrottleWait)
	}
	return 0
}
