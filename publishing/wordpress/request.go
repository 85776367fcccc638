package wordpress

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/igny8/igny8/publishing"
)

// Do sends one signed-in request to route ("/wp/v2/posts/12") with
// query, and in, if not nil, as its JSON body; it decodes a 2xx answer
// into out, if not nil. It works in either URL form (discovering the REST
// root first if need be).
//
// A refusal comes back as an *APIError, which carries an *igny8.Error
// when retrying cannot help (401 EUnauthorized, 403 EForbidden, 404 and
// 410 ENotFound, 409 EConflict, any other 4xx EInvalid, naming the
// parameters of a rest_invalid_param) and none when it can (429, 5xx:
// its Retryable says so). Such transient answers are retried, up to
// Config.MaxAttempts tries, waiting as Retry-After asks; a POST only
// after a 429, because any other failure may have come after WordPress
// stored it.
func (c *Client) Do(ctx context.Context, method, route string, query url.Values, in, out any) error {
	var p *payload
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("wordpress: %s %s: encode the body: %w", method, route, err)
		}
		p = &payload{body: b, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}}
	}
	return c.request(ctx, method, route, query, p, out)
}

// Upload POSTs data as the raw body of a request to route (/wp/v2/media),
// named filename in a Content-Disposition header and typed contentType,
// as WP_REST_Attachments_Controller::create_item reads an upload; query
// may carry the new item's fields (alt_text, title, slug). The answer is
// decoded into out, and errors are Do's.
func (c *Client) Upload(ctx context.Context, route string, query url.Values, filename, contentType string, data []byte, out any) error {
	if filename == "" || strings.ContainsAny(filename, "\"\\/;\r\n") {
		return fmt.Errorf("wordpress: upload: unusable file name %q", filename)
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return fmt.Errorf("wordpress: upload %s: content type %q: %w", filename, contentType, err)
	}
	p := &payload{body: data, header: http.Header{
		"Content-Type":        {contentType},
		"Content-Disposition": {`attachment; filename="` + filename + `"`},
	}}
	return c.request(ctx, http.MethodPost, route, query, p, out)
}

func (c *Client) request(ctx context.Context, method, route string, query url.Values, p *payload, out any) error {
	root, err := c.apiRoot(ctx)
	if err != nil {
		return err
	}
	u := routeURL(root, route, query)
	a, attempts, err := c.roundTrip(ctx, method, u, p)
	if err != nil {
		return err
	}
	if a.status < 200 || a.status > 299 {
		e := c.apiError(method, u, a)
		e.Attempts = attempts
		return e
	}
	if out == nil || a.status == http.StatusNoContent {
		return nil
	}
	if err := json.Unmarshal(jsonBody(a.body), out); err != nil {
		e := c.apiError(method, u, a)
		e.Attempts = attempts
		if !isHTML(a) {
			e.Message += " (" + err.Error() + ")"
		}
		return e
	}
	return nil
}

// roundTrip sends a signed-in request, retrying what may succeed later,
// and returns the last answer and how many tries it took. An error means
// no answer came, or ctx ended.
func (c *Client) roundTrip(ctx context.Context, method string, u *url.URL, p *payload) (*answer, int, error) {
	idempotent := method != http.MethodPost && method != http.MethodPatch
	for attempt := 1; ; attempt++ {
		a, err := c.sendBody(ctx, method, u, true, p)
		if cerr := ctx.Err(); cerr != nil {
			return nil, attempt, cerr
		}
		var wait time.Duration
		switch {
		case err != nil:
			if !idempotent || attempt >= c.attempts {
				return nil, attempt, fmt.Errorf("wordpress: %s %s: no answer after %d tries: %w", method, u, attempt, err)
			}
			wait = backoff(attempt)
		case a.status == http.StatusTooManyRequests || a.status >= 500 && idempotent:
			after, asked := retryAfter(a.header, time.Now())
			if attempt >= c.attempts || after > c.maxWait {
				return a, attempt, nil
			}
			wait = backoff(attempt)
			if asked {
				wait = after
			}
		default:
			return a, attempt, nil
		}
		if err := c.sleep(ctx, min(wait, c.maxWait)); err != nil {
			return nil, attempt, err
		}
	}
}

// backoff is the wait before try attempt+1 when the server names none.
func backoff(attempt int) time.Duration {
	return time.Second << min(attempt-1, 5)
}

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// sleep waits d, or until ctx ends.
var sleep = publishing.Sleep
