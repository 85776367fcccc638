package custom

import (
	"fmt"
	"net/http"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/safehttp"
)

// DeliveryError is the error of a Publish the endpoint did not accept.
// Its message is a sentence for the site owner; it never holds the
// signing secret, nor the URL's path or query (they may hold a token).
// Find it with errors.As.
//
// A permanent error also carries an *igny8.Error, so igny8.ErrorCode
// reads it: EUnauthorized (401, 403), ENotFound (404, 410), EConflict
// (409), EForbidden (an address safehttp refuses), EInvalid (any other
// refusal or a redirect). A transient one reads as EInternal.
type DeliveryError struct {
	// Endpoint is the scheme and host of the destination's URL, such as
	// "https://hooks.example.com/".
	Endpoint string
	// Status is the HTTP status of the last answer, 0 when the last
	// attempt got none.
	Status int
	// Attempts is how many requests were sent.
	Attempts int
	// Permanent is true when retrying cannot help until someone changes
	// the endpoint or the destination's settings. A transient error
	// (false) may succeed later with the same Delivery.
	Permanent bool
	// Message is what the endpoint said about its refusal, on one line
	// and cut to MaxMessageLength characters; "" if it said nothing.
	Message string
	// RetryAfter is how long the endpoint asked IGNY8 to wait before the
	// next attempt (Retry-After), 0 if it did not ask.
	RetryAfter time.Duration
	// DeliveryID is the X-IGNY8-Delivery of the last attempt.
	DeliveryID string
	// Err is the error behind it: the last attempt's network error, the
	// *safehttp.BlockedError or *safehttp.URLError of a refused address,
	// or the context's error when ctx stopped Publish. It is nil when
	// the endpoint's answer is the reason.
	Err error

	stopped  bool   // ctx stopped Publish
	prior    error  // when stopped: the network error of the attempt before
	location string // scheme and host a redirect pointed at
}

// stop records that ctx ended Publish, keeping the last attempt's
// network error, if any, for the message.
func (e *DeliveryError) stop(ctxErr error) {
	e.stopped = true
	e.prior, e.Err = e.Err, ctxErr
}

// Error says what went wrong and, for a permanent error, what to change.
func (e *DeliveryError) Error() string {
	status := statusText(e.Status)
	switch {
	case e.stopped:
		return fmt.Sprintf("Publishing to %s stopped after %s (%v)%s.", e.Endpoint, plural(e.Attempts, "attempt"), e.Err, e.last())
	case e.Permanent && e.Status == 0 && e.Err != nil:
		return e.Err.Error() // safehttp's sentences name the URL and the reason
	case !e.Permanent:
		s := fmt.Sprintf("The endpoint %s did not accept the content after %s%s", e.Endpoint, plural(e.Attempts, "attempt"), e.last())
		if e.RetryAfter > 0 {
			s += fmt.Sprintf("; it asked to be retried in %s", e.RetryAfter)
		}
		return s + "."
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return fmt.Sprintf("The endpoint %s refused IGNY8's signature or credentials (%s): check the signing secret your endpoint verifies "+
			"X-IGNY8-Signature with against the one shown for this destination in IGNY8, and that nothing in front of the endpoint blocks IGNY8's requests%s.",
			e.Endpoint, status, e.said())
	case e.Status == http.StatusNotFound || e.Status == http.StatusGone:
		return fmt.Sprintf("The endpoint URL at %s does not exist (anymore) (%s): check the URL in this destination's settings%s.", e.Endpoint, status, e.said())
	case e.Status == http.StatusBadRequest || e.Status == http.StatusUnprocessableEntity:
		if e.Message == "" {
			return fmt.Sprintf("The endpoint %s refused the content (%s) and gave no reason.", e.Endpoint, status)
		}
		return fmt.Sprintf("The endpoint %s refused the content (%s): %s", e.Endpoint, status, e.Message)
	case e.Status >= 300 && e.Status <= 399:
		to := "another address"
		if e.location != "" {
			to = e.location
		}
		return fmt.Sprintf("The endpoint %s redirects (%s) to %s; IGNY8 does not follow redirects when publishing: set this destination's URL to the address the redirect leads to.",
			e.Endpoint, status, to)
	default:
		return fmt.Sprintf("The endpoint %s refused the delivery (%s)%s.", e.Endpoint, status, e.said())
	}
}

// last describes the last attempt's outcome, for a transient error.
func (e *DeliveryError) last() string {
	switch {
	case e.Status != 0:
		return "; the last answer was " + statusText(e.Status) + e.said()
	case e.stopped && e.prior != nil:
		return "; the last attempt failed: " + e.prior.Error()
	case !e.stopped && e.Err != nil:
		return "; the last attempt failed: " + e.Err.Error()
	}
	return ""
}

// said quotes the endpoint's message, if any.
func (e *DeliveryError) said() string {
	if e.Message == "" {
		return ""
	}
	return fmt.Sprintf(" (it said: %s)", e.Message)
}

// Unwrap returns Err, the network error before ctx stopped Publish, and
// for a permanent error the *igny8.Error that gives its code.
func (e *DeliveryError) Unwrap() []error {
	var errs []error
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	if e.prior != nil {
		errs = append(errs, e.prior)
	}
	if e.Permanent {
		errs = append(errs, &igny8.Error{Code: e.code(), Message: e.Error()})
	}
	return errs
}

func (e *DeliveryError) code() string {
	if _, ok := e.Err.(*safehttp.BlockedError); ok {
		return igny8.EForbidden
	}
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return igny8.EUnauthorized
	case http.StatusNotFound, http.StatusGone:
		return igny8.ENotFound
	case http.StatusConflict:
		return igny8.EConflict
	}
	return igny8.EInvalid
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
