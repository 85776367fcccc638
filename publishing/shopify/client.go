package shopify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/safehttp"
)

// APIVersion is the Admin API version the package speaks; every
// operation is validated in tests against its schema.
const APIVersion = "2026-07"

// Config says which shop to talk to and how. Its zero value is not
// usable: Shop (or BaseURL) and Token are required; every other unset
// field takes the default its comment gives.
type Config struct {
	// Shop is the shop's myshopify name, "acme" for
	// acme.myshopify.com (a full "acme.myshopify.com" is accepted too).
	Shop string
	// BaseURL replaces https://{Shop}.myshopify.com, for tests.
	BaseURL string
	// Token is the Admin API access token, sent as
	// X-Shopify-Access-Token and nowhere else: no error or log holds it.
	Token string
	// APIVersion defaults to the package's APIVersion. Another version is
	// at the caller's risk: only APIVersion's schema is tested.
	APIVersion string
	// HTTPClient sends the requests (default safehttp's client, which
	// reaches only public addresses). Production passes the SSRF-safe
	// client; tests pass one that reaches httptest.
	HTTPClient *http.Client
	// BlogHandle is the blog posts go to, found or created by handle
	// (default "news"); BlogTitle is its title when IGNY8 creates it
	// (default "News").
	BlogHandle string
	BlogTitle  string
	// MaxAttempts bounds the requests of one operation after 429, 5xx
	// and network errors (default 5). THROTTLED answers are waited out
	// and counted apart, up to MaxThrottled (default 10).
	MaxAttempts  int
	MaxThrottled int
	// BaseDelay is the wait before the second attempt (default 1s),
	// doubled for each further one up to MaxDelay (default 30s).
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxWait is the longest single wait (Retry-After, a throttle) the
	// client accepts; longer, it gives up with a transient error
	// (default 1m).
	MaxWait time.Duration
	// PollInterval is the wait between looks at an uploaded file that
	// Shopify is still processing (default 1s), at most PollAttempts
	// times (default 30).
	PollInterval time.Duration
	PollAttempts int
	// Now is the clock (default time.Now); Sleep waits d or until ctx is
	// done, then returns ctx.Err() (default a timer). Tests inject both.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// WithDefaults returns cfg with every unset field at its default.
func (cfg Config) WithDefaults() Config {
	if cfg.APIVersion == "" {
		cfg.APIVersion = APIVersion
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = safehttp.NewClient(safehttp.Config{
			ResponseHeaderTimeout: 30 * time.Second,
			Timeout:               60 * time.Second,
			MaxRedirects:          -1,
		})
	}
	if cfg.BlogHandle == "" {
		cfg.BlogHandle = "news"
	}
	if cfg.BlogTitle == "" {
		cfg.BlogTitle = "News"
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.MaxThrottled <= 0 {
		cfg.MaxThrottled = 10
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Second
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = time.Minute
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Second
	}
	if cfg.PollAttempts <= 0 {
		cfg.PollAttempts = 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return cfg
}

var shopNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Client talks to one shop's Admin GraphQL API. It is safe for
// concurrent use and prints without its token.
type Client struct {
	cfg      Config
	endpoint string // …/admin/api/{version}/graphql.json
	origin   string // scheme and host, for messages
	// The token lives only in these closures: fmt and reflection see a
	// func's address, never what it captured, so no way of printing a
	// Client shows it.
	auth   func(h http.Header)
	redact func(s string) string

	mu       sync.Mutex
	bucket   throttleStatus // the last throttle status Shopify reported
	bucketAt time.Time      // when it reported it
	costs    map[string]int // the last requested cost of each operation
}

// New returns a client for the shop cfg names.
func New(cfg Config) (*Client, error) {
	cfg = cfg.WithDefaults()
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		shop := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(cfg.Shop)), ".myshopify.com")
		if !shopNameRE.MatchString(shop) {
			return nil, igny8.Errorf(igny8.EInvalid, "The shop must be its myshopify name, such as acme for acme.myshopify.com.")
		}
		base = "https://" + shop + ".myshopify.com"
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, igny8.Errorf(igny8.EInvalid, "The shop's address must be an absolute https URL.")
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "The Shopify integration needs an Admin API access token.")
	}
	token := cfg.Token
	cfg.Token = ""
	return &Client{
		cfg:      cfg,
		endpoint: base + "/admin/api/" + url.PathEscape(cfg.APIVersion) + "/graphql.json",
		origin:   u.Scheme + "://" + u.Host,
		auth:     func(h http.Header) { h.Set("X-Shopify-Access-Token", token) },
		redact:   func(s string) string { return strings.ReplaceAll(s, token, "[token]") },
		costs:    map[string]int{},
	}, nil
}

// String names the client by its shop.
func (c *Client) String() string { return "Shopify client for " + c.origin }

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// answer is a GraphQL answer.
type answer struct {
	Data       json.RawMessage `json:"data"`
	Errors     []gqlError      `json:"errors"`
	Extensions struct {
		Cost *queryCost `json:"cost"`
	} `json:"extensions"`
}

// do sends op with vars and decodes its data into out, waiting out
// throttles and retrying what may be retried.
func (c *Client) do(ctx context.Context, op operation, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": op.query, "operationName": op.name, "variables": vars})
	if err != nil {
		return fmt.Errorf("encode %s: %w", op.name, err)
	}
	attempts, throttled := 0, 0
	waited := false // a throttle was just waited out: the bucket holds the cost again
	for {
		if !waited {
			if err := c.waitForBudget(ctx, op.name); err != nil {
				return err
			}
		}
		waited = false
		attempts++
		ans, herr := c.post(ctx, op, body)
		if herr != nil {
			if herr.Permanent || herr.stopped || attempts >= c.cfg.MaxAttempts || (herr.ambiguous && !op.retry) {
				herr.Attempts = attempts
				return herr
			}
			wait := max(c.backoff(attempts), herr.RetryAfter)
			if wait > c.cfg.MaxWait {
				herr.Attempts = attempts
				return herr
			}
			if err := c.cfg.Sleep(ctx, wait); err != nil {
				return c.stopped(op, err)
			}
			continue
		}
		c.observe(op.name, ans.Extensions.Cost)
		if len(ans.Errors) > 0 {
			if isThrottled(ans.Errors) {
				throttled++
				wait := throttleWait(ans.Extensions.Cost)
				if throttled > c.cfg.MaxThrottled || wait > c.cfg.MaxWait {
					return &Error{Code: igny8.EInternal, Message: fmt.Sprintf(
						"The shop %s kept IGNY8 waiting for its API rate limit (%d throttled requests); IGNY8 will try again later.", c.origin, throttled)}
				}
				if err := c.cfg.Sleep(ctx, wait); err != nil {
					return c.stopped(op, err)
				}
				waited = true
				continue
			}
			return c.graphQLError(op, ans.Errors)
		}
		if out != nil {
			if err := json.Unmarshal(ans.Data, out); err != nil {
				return &Error{Code: igny8.EInternal, Message: fmt.Sprintf("Shopify's answer to %s could not be read.", op.name), Err: err}
			}
		}
		return nil
	}
}

// post sends one request and reads its answer; a non-nil *Error says
// what went wrong and whether another attempt may help.
func (c *Client) post(ctx context.Context, op operation, body []byte) (*answer, *Error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Code: igny8.EInvalid, Permanent: true, Message: "The shop's address is not a valid URL.", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "igny8-shopify/1")
	c.auth(req.Header)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, &Error{Code: igny8.EInternal, ambiguous: true, Message: fmt.Sprintf("The answer of the shop %s was cut off.", c.origin), Err: errors.New(c.redact(err.Error()))}
	}
	if resp.StatusCode == http.StatusOK {
		if v := resp.Header.Get("X-Shopify-API-Version"); v != "" && v != c.cfg.APIVersion {
			return nil, &Error{Code: igny8.EInvalid, Permanent: true, Message: fmt.Sprintf(
				"Shopify no longer supports API version %s and answered with version %s instead: IGNY8 needs an update before it can publish to %s.", c.cfg.APIVersion, v, c.origin)}
		}
		var ans answer
		if err := json.Unmarshal(raw, &ans); err != nil {
			return nil, &Error{Code: igny8.EInternal, ambiguous: true, Message: fmt.Sprintf("The shop %s answered with something other than GraphQL JSON.", c.origin)}
		}
		return &ans, nil
	}
	return nil, c.statusError(resp, raw)
}

// statusError explains a non-200 answer.
func (c *Client) statusError(resp *http.Response, raw []byte) *Error {
	s := resp.StatusCode
	said := c.said(raw)
	e := &Error{Status: s}
	switch {
	case s == http.StatusUnauthorized:
		e.Code, e.Permanent = igny8.EUnauthorized, true
		e.Message = fmt.Sprintf("The shop %s refused the access token (401 Unauthorized): the app may have been uninstalled or the token revoked; paste a current Admin API access token in the integration's settings.", c.origin)
	case s == http.StatusPaymentRequired:
		e.Code, e.Permanent = igny8.EForbidden, true
		e.Message = fmt.Sprintf("The shop %s is frozen or unpaid (402 Payment Required): its owner must settle it in Shopify before IGNY8 can publish.", c.origin)
	case s == http.StatusForbidden:
		e.Code, e.Permanent = igny8.EForbidden, true
		e.Message = fmt.Sprintf("The shop %s refused IGNY8 (403 Forbidden)%s: check the app's access scopes and that the shop is active.", c.origin, said)
	case s == http.StatusNotFound:
		e.Code, e.Permanent = igny8.ENotFound, true
		e.Message = fmt.Sprintf("The shop %s has no Admin API version %s (404 Not Found): the shop name may be wrong, or Shopify no longer serves this version and IGNY8 needs an update.", c.origin, c.cfg.APIVersion)
	case s == http.StatusLocked:
		e.Code, e.Permanent = igny8.EForbidden, true
		e.Message = fmt.Sprintf("The shop %s is locked (423 Locked): its owner must unlock it in Shopify.", c.origin)
	case s == http.StatusTooManyRequests || s >= 500:
		e.Code, e.ambiguous = igny8.EInternal, s >= 500
		e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), c.cfg.Now())
		e.Message = fmt.Sprintf("The shop %s is busy or unavailable (%s)%s; IGNY8 will try again later.", c.origin, statusText(s), said)
	default:
		e.Code, e.Permanent = igny8.EInvalid, true
		e.Message = fmt.Sprintf("The shop %s refused the request (%s)%s.", c.origin, statusText(s), said)
	}
	return e
}

// said quotes what Shopify said in an error body ("errors" as a string
// or an object), cut short and without the token.
func (c *Client) said(raw []byte) string {
	var m struct {
		Errors json.RawMessage `json:"errors"`
	}
	var s string
	if json.Unmarshal(raw, &m) == nil && len(m.Errors) > 0 {
		if json.Unmarshal(m.Errors, &s) != nil {
			s = string(m.Errors)
		}
	}
	s = strings.Join(strings.Fields(c.redact(s)), " ")
	if s == "" {
		return ""
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return " (Shopify said: " + s + ")"
}

// transportError explains a request that got no answer.
func (c *Client) transportError(ctx context.Context, op operation, err error) *Error {
	if ctx.Err() != nil {
		return c.stopped(op, ctx.Err())
	}
	var blocked *safehttp.BlockedError
	if errors.As(err, &blocked) {
		return &Error{Code: igny8.EForbidden, Permanent: true, Message: blocked.Error(), Err: blocked}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return &Error{Code: igny8.EInternal, ambiguous: true,
		Message: fmt.Sprintf("The shop %s could not be reached (%s); IGNY8 will try again later.", c.origin, c.redact(err.Error())),
		Err:     errors.New(c.redact(err.Error()))}
}

func (c *Client) stopped(op operation, err error) *Error {
	return &Error{Code: igny8.EInternal, stopped: true, Message: fmt.Sprintf("Sending %s to the shop %s stopped: %v.", op.name, c.origin, err), Err: err}
}

// graphQLError explains top-level GraphQL errors other than THROTTLED.
func (c *Client) graphQLError(op operation, errs []gqlError) *Error {
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, strings.TrimSuffix(c.redact(e.Message), "."))
		if e.Extensions.Code == "ACCESS_DENIED" {
			return &Error{Code: igny8.EForbidden, Permanent: true, Message: fmt.Sprintf(
				"The shop %s denied IGNY8 access (%s): grant the app the scopes %s and reinstall it.", c.origin, msgs[len(msgs)-1], scopeNames())}
		}
	}
	switch errs[0].Extensions.Code {
	case "INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE":
		return &Error{Code: igny8.EInternal, Message: fmt.Sprintf("Shopify failed to answer %s (%s); IGNY8 will try again later.", op.name, strings.Join(msgs, "; "))}
	}
	return &Error{Code: igny8.EInvalid, Permanent: true, Message: fmt.Sprintf("Shopify refused %s: %s.", op.name, strings.Join(msgs, "; "))}
}

// backoff is the wait after the given attempt: BaseDelay doubled per
// attempt, at most MaxDelay, shortened at random by up to half.
func (c *Client) backoff(attempt int) time.Duration {
	return publishing.Backoff(c.cfg.BaseDelay, c.cfg.MaxDelay, attempt)
}

// sleep is the default Config.Sleep.
var sleep = publishing.Sleep

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}
