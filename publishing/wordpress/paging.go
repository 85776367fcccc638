package wordpress

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// perPage is the most WordPress hands out in one page (per_page is 1 to
// 100: REST API Handbook, "Pagination").
const perPage = 100

// FetchAll reads every item of the collection at route ("/wp/v2/categories"),
// signed in, 100 to a page, and returns them as WordPress sent them, in
// order. query adds filters (per_page and page are FetchAll's). It stops
// at the last page X-WP-TotalPages names, or, on a site that does not
// send the header, at the first short page; and it fails rather than
// read more than Config.MaxPages pages. A refusal comes back as an
// *APIError.
func (c *Client) FetchAll(ctx context.Context, route string, query url.Values) ([]json.RawMessage, error) {
	root, err := c.apiRoot(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	for k, vs := range query {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("per_page", strconv.Itoa(perPage))
	var all []json.RawMessage
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q.Set("page", strconv.Itoa(page))
		u := routeURL(root, route, q)
		a, attempts, err := c.roundTrip(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		if a.status != http.StatusOK {
			// Without X-WP-TotalPages, a full last page is followed by a
			// request for one page too many, which WordPress refuses
			// (rest_post_invalid_page_number and the like).
			if we, ok := wpErrorOf(a); ok && page > 1 && a.status == http.StatusBadRequest && strings.HasSuffix(we.Code, "_invalid_page_number") {
				return all, nil
			}
			e := c.apiError(http.MethodGet, u, a)
			e.Attempts = attempts
			return nil, e
		}
		var items []json.RawMessage
		if err := json.Unmarshal(jsonBody(a.body), &items); err != nil {
			return nil, c.apiError(http.MethodGet, u, a)
		}
		all = append(all, items...)
		total, known := totalPages(a.header)
		if known && total > c.maxPages {
			return nil, fmt.Errorf("wordpress: %s has %d pages of %d; FetchAll reads at most %d", route, total, perPage, c.maxPages)
		}
		if known && page >= total || !known && len(items) < perPage || len(items) == 0 {
			return all, nil
		}
		if page >= c.maxPages {
			return nil, fmt.Errorf("wordpress: %s has more than %d pages of %d; FetchAll reads at most %d", route, c.maxPages, perPage, c.maxPages)
		}
	}
}

// totalPages reads X-WP-TotalPages.
func totalPages(h http.Header) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-WP-TotalPages")))
	return n, err == nil && n >= 0
}

// apiError describes a refused or unreadable answer, redacted.
func (c *Client) apiError(method string, u *url.URL, a *answer) *APIError {
	e := &APIError{Method: method, URL: u.String(), Status: a.status}
	if we, ok := wpErrorOf(a); ok && (a.status < 200 || a.status > 299) {
		e.Code, e.Message = we.Code, c.redact(we.Message)
		e.Data = json.RawMessage(c.redact(string(we.Data)))
		e.Params = we.params()
		for k, v := range e.Params {
			e.Params[k] = c.redact(v)
		}
	} else if isHTML(a) {
		e.Message = "a web page instead of JSON"
	} else {
		e.Message = "an answer that is not the JSON expected"
	}
	if a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable {
		e.RetryAfter, _ = retryAfter(a.header, time.Now())
	}
	return e
}
