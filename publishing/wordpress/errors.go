package wordpress

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/safehttp"
)

// Problems: the stable codes of a *CheckError. Clients and stored
// connection records rely on them; add, never rename.
const (
	// ProblemUnreachable: no answer at all (DNS, refused connection,
	// timeout, invalid certificate, an address IGNY8 will not connect to).
	ProblemUnreachable = "unreachable"
	// ProblemNotWordPress: neither URL form led to a REST API: 404s, a
	// web page instead of JSON, or JSON that is not WordPress's.
	ProblemNotWordPress = "not_wordpress"
	// ProblemRESTDisabled: WordPress answered, in its own JSON, that the
	// REST API is switched off or restricted, or it lacks wp/v2.
	ProblemRESTDisabled = "rest_disabled"
	// ProblemAppPasswordsUnavailable: the site does not offer Application
	// Passwords (plain HTTP on a site that is not local, a plugin or
	// filter, or turned off for this user).
	ProblemAppPasswordsUnavailable = "app_passwords_unavailable"
	// ProblemAuthorizationStripped: credentials were sent but WordPress
	// saw none: a server or proxy drops the Authorization header.
	ProblemAuthorizationStripped = "authorization_stripped"
	// ProblemWrongPassword: the user exists; the password is not one of
	// their Application Passwords.
	ProblemWrongPassword = "wrong_password"
	// ProblemUnknownUser: WordPress has no such user name or email.
	ProblemUnknownUser = "unknown_user"
	// ProblemMissingCapabilities: signed in, but the user may not write,
	// publish or upload (CheckError.Missing lists what).
	ProblemMissingCapabilities = "missing_capabilities"
	// ProblemUnexpectedAnswer: anything else: a server error, a redirect
	// of a signed-in request, an answer that cannot be read.
	ProblemUnexpectedAnswer = "unexpected_answer"
)

// CheckError is why a connection check failed. Message is written for the
// site owner and never holds the password; Problem is for code.
type CheckError struct {
	// Problem is one of the Problem… constants.
	Problem string
	// Message says what is wrong and what to do, in plain words.
	Message string
	// Status is the HTTP status of the answer that decided, 0 if none.
	Status int
	// Code is WordPress's error code ("incorrect_password"), if it sent
	// one.
	Code string
	// Missing lists the capabilities the user lacks, for
	// ProblemMissingCapabilities.
	Missing []string
	// Err is the underlying error, for ProblemUnreachable.
	Err error
}

// Error is the message, prefixed with the problem.
func (e *CheckError) Error() string {
	return "wordpress: " + e.Problem + ": " + e.Message
}

// Unwrap gives errors.As an *igny8.Error (EInvalid, with the message: it
// is the site owner's to fix, and safe to show) and the cause, if any.
func (e *CheckError) Unwrap() []error {
	errs := []error{igny8.Errorf(igny8.EInvalid, "%s", e.Message)}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// APIError is WordPress's answer to a request that failed outside Check.
type APIError struct {
	// Method and URL are the request's; the URL never holds credentials.
	Method string
	URL    string
	// Status is the HTTP status WordPress answered with.
	Status int
	// Code and Message are WordPress's, when it answered with its error
	// JSON; Message is cut to one line of plain text.
	Code    string
	Message string
	// Params are the parameters a rest_invalid_param (or
	// rest_missing_callback_param) names, each with WordPress's reason
	// ("" when it gives none).
	Params map[string]string
	// Data is the error's "data" as WordPress sent it: term_exists puts
	// the existing term's id there.
	Data json.RawMessage
	// RetryAfter is how long WordPress asked to wait (Retry-After on a
	// 429 or 503), 0 if it did not say.
	RetryAfter time.Duration
	// Attempts is how many tries were made, 0 for a request that is not
	// retried.
	Attempts int
}

// Retryable reports whether the same request may succeed later: a 429 or
// a 5xx. The jobs that publish read it.
func (e *APIError) Retryable() bool {
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Unwrap gives errors.As the *igny8.Error of a refusal that retrying
// cannot fix, with a message for the site owner; nil for a retryable one.
func (e *APIError) Unwrap() error {
	if e.Retryable() {
		return nil
	}
	return igny8.Errorf(e.code(), "%s", e.userMessage())
}

// code is the igny8 error code of a permanent refusal.
func (e *APIError) code() string {
	switch e.Status {
	case http.StatusUnauthorized:
		return igny8.EUnauthorized
	case http.StatusForbidden:
		return igny8.EForbidden
	case http.StatusNotFound, http.StatusGone:
		return igny8.ENotFound
	case http.StatusConflict:
		return igny8.EConflict
	}
	return igny8.EInvalid
}

// userMessage says in words what WordPress refused and what to do.
func (e *APIError) userMessage() string {
	host, what := e.URL, e.Method
	if u, err := url.Parse(e.URL); err == nil {
		host = u.Host
		route := u.Path
		if r := u.Query().Get("rest_route"); r != "" {
			route = r
		} else if i := strings.Index(route, "/wp-json"); i >= 0 {
			route = route[i+len("/wp-json"):]
		}
		what += " " + route
	}
	said := statusText(e.Status)
	if e.Code != "" {
		said += " " + e.Code
	}
	if e.Message != "" {
		said += ": " + e.Message
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		return fmt.Sprintf("WordPress at %s refused IGNY8's sign-in (%s). Check the integration's user name and Application Password, or create a new Application Password under Users → Profile.", host, said)
	case e.Status == http.StatusForbidden:
		return fmt.Sprintf("WordPress at %s does not let the integration's user do this (%s, %s). Give the user a role that may, such as Editor.", host, what, said)
	case e.Status == http.StatusNotFound || e.Status == http.StatusGone:
		return fmt.Sprintf("WordPress at %s has no such object or route (%s, %s).", host, what, said)
	case e.Status == http.StatusConflict:
		return fmt.Sprintf("WordPress at %s reported a conflict (%s, %s).", host, what, said)
	case len(e.Params) > 0:
		names := slices.Sorted(maps.Keys(e.Params))
		var parts []string
		for _, n := range names {
			if r := e.Params[n]; r != "" {
				parts = append(parts, n+": "+r)
			} else {
				parts = append(parts, n)
			}
		}
		return fmt.Sprintf("WordPress at %s refused the value of %s (%s): %s.", host, strings.Join(names, ", "), what, strings.Join(parts, "; "))
	case e.Status >= 200 && e.Status <= 299:
		return fmt.Sprintf("WordPress at %s answered %s with %s: a plugin or the web server alters the REST API's answers.", host, what, e.Message)
	}
	return fmt.Sprintf("WordPress at %s refused the request (%s, %s).", host, what, said)
}

// Error says which request failed, how, and what WordPress said.
func (e *APIError) Error() string {
	s := fmt.Sprintf("wordpress: %s %s: %s", e.Method, e.URL, statusText(e.Status))
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// checkError builds a *CheckError with its message redacted.
func (c *Client) checkError(problem string, a *answer, format string, args ...any) *CheckError {
	e := &CheckError{Problem: problem, Message: c.redact(fmt.Sprintf(format, args...))}
	if a != nil {
		e.Status = a.status
		if we, ok := wpErrorOf(a); ok {
			e.Code = we.Code
		}
	}
	return e
}

// unreachable explains a request that got no answer.
func (c *Client) unreachable(u fmt.Stringer, err error) *CheckError {
	e := c.checkError(ProblemUnreachable, nil, "IGNY8 could not reach %s: %s. Check the address, and that the site is online and reachable from the internet.",
		u, transportReason(err))
	e.Err = c.redactErr(err)
	return e
}

// transportReason says in a few words why a request got no answer.
func transportReason(err error) string {
	var blocked *safehttp.BlockedError
	var urlErr *safehttp.URLError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invalidErr x509.CertificateInvalidError
	var netErr net.Error
	switch {
	case errors.As(err, &blocked):
		return strings.TrimSuffix(blocked.Error(), ".")
	case errors.As(err, &urlErr):
		return strings.TrimSuffix(urlErr.Error(), ".")
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return fmt.Sprintf("the name %s does not exist in DNS (check its spelling)", dnsErr.Name)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("the name %s could not be looked up (%s)", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &hostErr):
		return "its HTTPS certificate is for another name (" + hostErr.Error() + ")"
	case errors.As(err, &authErr):
		return "its HTTPS certificate is not signed by an authority browsers trust (self-signed?)"
	case errors.As(err, &invalidErr):
		return "its HTTPS certificate is not valid (" + invalidErr.Error() + ")"
	case errors.As(err, &certErr):
		return "its HTTPS certificate could not be verified (" + certErr.Err.Error() + ")"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing accepted the connection (is the web server running, and is the port right?)"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "it did not answer in time"
	}
	return "the connection failed (" + err.Error() + ")"
}
