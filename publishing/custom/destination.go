package custom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/safehttp"
)

// The events IGNY8 sends. Receivers should ignore events they do not
// know: new ones may come.
const (
	EventPublished = "content.published"
	EventUpdated   = "content.updated"
	EventDeleted   = "content.deleted"
)

// Limits on what a Delivery and a response may hold.
const (
	MaxIdempotencyKeyLength = 255
	MaxEventLength          = 64
	MaxRemoteIDLength       = 255
	// MaxMessageLength bounds, in characters, the endpoint's own words
	// kept in a DeliveryError.
	MaxMessageLength = 300
)

const userAgent = "igny8-webhook/1"

// NewClient returns the client production uses: safehttp's, which
// reaches only public addresses (checked when it dials, after DNS), with
// 15 seconds for the endpoint to answer, 30 for the whole request, and a
// 1 MiB response limit. It follows no redirects.
func NewClient() *http.Client {
	return safehttp.NewClient(safehttp.Config{
		ResponseHeaderTimeout: 15 * time.Second,
		Timeout:               30 * time.Second,
		MaxRedirects:          -1,
	})
}

// Config tunes a Destination. Its zero value is the production policy:
// every unset field takes the default its comment gives.
type Config struct {
	// Client sends the requests (default NewClient()). Tests pass one
	// that can reach httptest. Redirects are never followed, whatever
	// the client's own policy.
	Client *http.Client
	// MaxAttempts bounds the requests of one Publish, the first included
	// (default 5).
	MaxAttempts int
	// BaseDelay is the wait before the second attempt (default 1s). Each
	// later wait doubles, up to MaxDelay (default 30s), and every wait is
	// shortened at random by up to half, so that many publishes failing
	// together do not retry together.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// MaxRetryAfter is the longest Retry-After the endpoint can ask for
	// and still be retried within the same Publish (default 1m). A longer
	// one ends Publish with a transient *DeliveryError whose RetryAfter
	// says when to try again.
	MaxRetryAfter time.Duration
	// MaxResponseBytes bounds how much of a response is read (default
	// 1 MiB).
	MaxResponseBytes int64
	// Now is the clock for the signature's timestamp and Retry-After
	// dates (default time.Now).
	Now func() time.Time
	// Sleep waits d, or until ctx is done and then returns ctx.Err()
	// (default: a timer). Tests pass one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// WithDefaults returns cfg with every unset field at its default.
func (cfg Config) WithDefaults() Config {
	if cfg.Client == nil {
		cfg.Client = NewClient()
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = time.Second
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = 30 * time.Second
	}
	cfg.MaxDelay = max(cfg.MaxDelay, cfg.BaseDelay)
	if cfg.MaxRetryAfter <= 0 {
		cfg.MaxRetryAfter = time.Minute
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = 1 << 20
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	return cfg
}

// Destination is one customer endpoint: its URL and signing secrets. It
// is safe for concurrent use, and prints without its secrets.
type Destination struct {
	endpoint string // the URL as configured
	origin   string // its scheme and host, the only part errors show
	client   *http.Client
	cfg      Config
	// The secrets live only in these closures: fmt and reflection see a
	// func's address, never what it captured, so no way of printing a
	// Destination shows them.
	sign   func(timestamp string, body []byte) string // the X-IGNY8-Signature value
	redact func(text string) string                   // blanks out any secret in text
}

// New returns a Destination that POSTs to endpoint, an absolute http or
// https URL, and signs with secrets: the current secret first, then any
// previous one still honoured during a rotation (each gets its own v1
// value in X-IGNY8-Signature). Where the URL leads is checked when the
// client dials; safehttp.CheckURL gives a user an earlier answer. The
// secrets are copied.
func New(endpoint string, cfg Config, secrets ...[]byte) (*Destination, error) {
	u, err := url.Parse(endpoint)
	switch {
	case err != nil || !u.IsAbs() || u.Opaque != "" || u.Host == "" ||
		(!strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http")):
		return nil, igny8.Errorf(igny8.EInvalid, "The endpoint URL must be an absolute http or https URL, such as https://hooks.example.com/igny8.")
	case u.User != nil:
		return nil, igny8.Errorf(igny8.EInvalid, "The endpoint URL must not contain a user name or password; IGNY8 signs its requests instead.")
	case len(secrets) == 0 || slices.ContainsFunc(secrets, func(s []byte) bool { return len(s) == 0 }):
		return nil, igny8.Errorf(igny8.EInvalid, "The destination needs a signing secret.")
	}
	cfg = cfg.WithDefaults()
	client := *cfg.Client
	// A 301-303 would turn the POST into a GET without the content, and a
	// redirect to another host would take the signature there: refuse
	// them all and tell the user the final URL to use.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	keys := make([][]byte, len(secrets))
	for i, s := range secrets {
		keys[i] = slices.Clone(s)
	}
	return &Destination{
		endpoint: endpoint,
		origin:   strings.ToLower(u.Scheme) + "://" + u.Host + "/",
		client:   &client,
		cfg:      cfg,
		sign: func(timestamp string, body []byte) string {
			return signatureHeader(keys, timestamp, body)
		},
		redact: func(text string) string {
			for _, k := range keys {
				text = strings.ReplaceAll(text, string(k), "[secret]")
			}
			return text
		},
	}, nil
}

// String names the destination by its scheme and host.
func (d *Destination) String() string { return "custom API destination " + d.origin }

// Delivery is one publish to send.
type Delivery struct {
	// IdempotencyKey identifies the publish: the caller derives it from
	// the content piece, the destination and the content's hash, so that
	// a retried or redelivered publish carries the same key. It is sent
	// unchanged on every attempt. 1 to 255 visible ASCII characters.
	IdempotencyKey string
	// Event names what happened, such as EventPublished: 1 to 64
	// lowercase letters, digits, '.', '_' or '-'.
	Event string
	// Body is the JSON sent, byte for byte as signed.
	Body json.RawMessage
}

func (dl Delivery) validate() error {
	switch {
	case dl.IdempotencyKey == "" || len(dl.IdempotencyKey) > MaxIdempotencyKeyLength ||
		strings.ContainsFunc(dl.IdempotencyKey, func(r rune) bool { return r <= ' ' || r > '~' }):
		return igny8.Errorf(igny8.EInvalid, "A delivery's idempotency key must be 1 to %d visible ASCII characters.", MaxIdempotencyKeyLength)
	case dl.Event == "" || len(dl.Event) > MaxEventLength ||
		strings.ContainsFunc(dl.Event, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
		}):
		return igny8.Errorf(igny8.EInvalid, "A delivery's event must be 1 to %d lowercase letters, digits, dots, underscores or hyphens, such as %s.", MaxEventLength, EventPublished)
	case !json.Valid(dl.Body):
		return igny8.Errorf(igny8.EInvalid, "A delivery's body must be valid JSON.")
	}
	return nil
}

// Result is what the endpoint answered to an accepted delivery.
type Result struct {
	// RemoteID and RemoteURL are the "id" and "url" of the endpoint's
	// answer, "" when it gave none or gave them in a form IGNY8 does not
	// take (Notes then says why).
	RemoteID  string
	RemoteURL string
	// Status is the HTTP status of the accepting answer (2xx).
	Status int
	// Attempts is how many requests were sent, this one included.
	Attempts int
	// DeliveryID is the X-IGNY8-Delivery of the accepted attempt.
	DeliveryID string
	// Notes says, in sentences for people, what IGNY8 ignored in the
	// answer.
	Notes []string
}

// Publish sends dl to the endpoint, retrying transient failures with
// exponential backoff and jitter, and returns the endpoint's answer once
// it accepts (any 2xx). Every attempt carries dl's idempotency key, a new
// delivery id, and a fresh timestamp and signature. A failure is a
// *DeliveryError: Permanent when retrying cannot help (4xx other than
// 408, 425 and 429; a redirect; an address safehttp refuses), transient
// otherwise (attempts exhausted, a Retry-After beyond MaxRetryAfter, no
// time left before ctx's deadline, or ctx done, which stops Publish at
// once). An invalid dl is an igny8.EInvalid error and sends nothing.
//
// An endpoint can act on a request whose answer never reaches IGNY8; the
// idempotency key is what lets it recognise the retry. Publish itself
// keeps no state between calls.
func (d *Destination) Publish(ctx context.Context, dl Delivery) (*Result, error) {
	if err := dl.validate(); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		res, derr := d.attempt(ctx, dl)
		if derr == nil {
			res.Attempts = attempt
			return res, nil
		}
		derr.Attempts = attempt
		if derr.Permanent || derr.stopped || attempt >= d.cfg.MaxAttempts || derr.RetryAfter > d.cfg.MaxRetryAfter {
			return nil, derr
		}
		wait := max(d.backoff(attempt), derr.RetryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return nil, derr // the next attempt could not start in time
		}
		if err := d.cfg.Sleep(ctx, wait); err != nil {
			derr.stop(err)
			return nil, derr
		}
	}
}

// backoff is the wait after the given attempt: BaseDelay doubled for
// each attempt before it, at most MaxDelay, then shortened at random by
// up to half ("equal jitter": never less than half the nominal wait).
func (d *Destination) backoff(attempt int) time.Duration {
	return publishing.Backoff(d.cfg.BaseDelay, d.cfg.MaxDelay, attempt)
}

// sleep is the default Config.Sleep.
var sleep = publishing.Sleep
