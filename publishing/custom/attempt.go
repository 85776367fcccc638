package custom

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/igny8/igny8/safehttp"
)

// attempt sends dl once. A nil *DeliveryError means the endpoint accepted
// it; otherwise the error says whether another attempt may help.
func (d *Destination) attempt(ctx context.Context, dl Delivery) (*Result, *DeliveryError) {
	id := rand.Text()
	derr := &DeliveryError{Endpoint: d.origin, DeliveryID: id}
	// bytes.Reader lets the transport replay the body itself, e.g. when
	// an HTTP/2 connection closes before the request went out.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.endpoint, bytes.NewReader(dl.Body))
	if err != nil {
		derr.Permanent, derr.Err = true, err
		return nil, derr
	}
	ts := strconv.FormatInt(d.cfg.Now().Unix(), 10)
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", userAgent)
	h.Set(HeaderIdempotencyKey, dl.IdempotencyKey)
	h.Set(HeaderEvent, dl.Event)
	h.Set(HeaderDelivery, id)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, d.sign(ts, dl.Body))

	resp, err := d.client.Do(req)
	if err != nil {
		d.transportError(ctx, derr, err)
		return nil, derr
	}
	defer resp.Body.Close()
	body, tooLarge, readErr := readLimited(resp.Body, d.cfg.MaxResponseBytes)
	derr.Status = resp.StatusCode
	switch s := resp.StatusCode; {
	case s >= 200 && s <= 299:
		return d.result(resp.StatusCode, id, body, tooLarge, readErr), nil
	case s == http.StatusRequestTimeout || s == http.StatusTooEarly || s == http.StatusTooManyRequests || s >= 500 && s <= 599:
		derr.Message = d.message(resp, body)
		derr.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), d.cfg.Now())
	case s >= 300 && s <= 399:
		derr.Permanent = true
		if loc, err := resp.Location(); err == nil {
			derr.location = loc.Scheme + "://" + loc.Host + "/"
		}
	default:
		derr.Permanent = true
		derr.Message = d.message(resp, body)
	}
	return nil, derr
}

// transportError fills derr for a request that got no answer: ctx done
// stops Publish, an address or URL safehttp refuses is permanent, and
// anything else (refused connection, reset, timeout, TLS failure) is
// worth another attempt.
func (d *Destination) transportError(ctx context.Context, derr *DeliveryError, err error) {
	var blocked *safehttp.BlockedError
	var badURL *safehttp.URLError
	switch {
	case ctx.Err() != nil:
		derr.stop(ctx.Err())
	case errors.As(err, &blocked):
		derr.Permanent, derr.Err = true, blocked
	case errors.As(err, &badURL):
		derr.Permanent, derr.Err = true, badURL
	default:
		// *url.Error repeats the whole URL, whose path or query may hold
		// a token: keep what it wraps.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		derr.Err = err
	}
}

// readLimited reads at most limit bytes of r; tooLarge says there was
// more (safehttp's client says so itself, with *safehttp.TooLargeError).
func readLimited(r io.Reader, limit int64) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	var tl *safehttp.TooLargeError
	if errors.As(err, &tl) {
		return body[:min(int64(len(body)), limit)], true, nil
	}
	if int64(len(body)) > limit {
		return body[:limit], true, nil
	}
	return body, false, err
}

// The shape of an accepting answer the package reads; other fields are
// ignored.
type answer struct {
	ID  json.RawMessage `json:"id"`
	URL json.RawMessage `json:"url"`
}

// result reads an accepting answer. The endpoint took the content, so
// nothing in the body makes it a failure: what cannot be used becomes a
// note.
func (d *Destination) result(status int, id string, body []byte, tooLarge bool, readErr error) *Result {
	r := &Result{Status: status, DeliveryID: id}
	switch {
	case tooLarge:
		r.note("The endpoint's answer is larger than %d bytes, so IGNY8 did not read it and recorded no remote id or URL; answer with a small JSON object such as {\"id\": \"123\", \"url\": \"https://…\"}.", d.cfg.MaxResponseBytes)
		return r
	case readErr != nil:
		r.note("The endpoint's answer could not be read to the end (%v), so IGNY8 recorded no remote id or URL.", readErr)
		return r
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return r
	}
	var a answer
	if body[0] != '{' || json.Unmarshal(body, &a) != nil {
		r.note("The endpoint's answer is not a JSON object, so IGNY8 recorded no remote id or URL; answer with {\"id\": \"123\", \"url\": \"https://…\"}.")
		return r
	}
	r.RemoteID = remoteID(r, a.ID)
	r.RemoteURL = remoteURL(r, a.URL)
	return r
}

func (r *Result) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// remoteID takes a string, or a number kept exactly as written (an
// integer id larger than 2^53 survives).
func remoteID(r *Result, raw json.RawMessage) string {
	var id string
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return ""
	case raw[0] == '"':
		if json.Unmarshal(raw, &id) != nil {
			return ""
		}
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		id = string(raw)
	default:
		r.note("The endpoint's \"id\" is neither a string nor a number; IGNY8 ignored it.")
		return ""
	}
	if len(id) > MaxRemoteIDLength || strings.ContainsFunc(id, unicode.IsControl) {
		r.note("The endpoint's \"id\" is longer than %d bytes or holds control characters; IGNY8 ignored it.", MaxRemoteIDLength)
		return ""
	}
	return id
}

// remoteURL takes an absolute http or https URL: it is shown to users as
// a link, and never fetched.
func remoteURL(r *Result, raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if json.Unmarshal(raw, &s) != nil {
		r.note("The endpoint's \"url\" is not a string; IGNY8 ignored it.")
		return ""
	}
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > safehttp.MaxURLLength || u.Host == "" || u.User != nil ||
		strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) ||
		(u.Scheme != "https" && u.Scheme != "http") {
		r.note("The endpoint's \"url\" is not an absolute http or https URL of at most %d characters without a user name or password; IGNY8 ignored it.", safehttp.MaxURLLength)
		return ""
	}
	return s
}

// message is what the endpoint said in a refusal, for the user: the
// "message", "error", "error.message", "detail" or "title" of a JSON
// answer, else the text itself. HTML pages (a proxy's error page) say
// nothing useful, and any copy of the signing secret is blanked out.
func (d *Destination) message(resp *http.Response, body []byte) string {
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.Contains(mt, "html") {
		return ""
	}
	text := string(bytes.TrimSpace(body))
	if strings.HasPrefix(text, "{") {
		var m struct {
			Message string          `json:"message"`
			Error   json.RawMessage `json:"error"`
			Detail  string          `json:"detail"`
			Title   string          `json:"title"`
		}
		if json.Unmarshal(body, &m) == nil {
			var nested struct {
				Message string `json:"message"`
			}
			var flat string
			_ = json.Unmarshal(m.Error, &flat)
			_ = json.Unmarshal(m.Error, &nested)
			for _, s := range []string{m.Message, flat, nested.Message, m.Detail, m.Title} {
				if strings.TrimSpace(s) != "" {
					text = s
					break
				}
			}
		}
	}
	return clean(d.redact(text), MaxMessageLength)
}

// clean makes text one line of at most limit characters: invalid UTF-8
// and control characters become spaces, runs of spaces one.
func clean(text string, limit int) string {
	text = strings.ToValidUTF8(text, " ")
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if utf8.RuneCountInString(text) <= limit {
		return text
	}
	runes := []rune(text)
	return strings.TrimSpace(string(runes[:limit-1])) + "…"
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date
// relative to now; 0 when absent, malformed or past.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if v[0] >= '0' && v[0] <= '9' {
		secs, err := strconv.ParseInt(v, 10, 64)
		const most = int64(1<<63-1) / int64(time.Second)
		switch {
		case err != nil && errors.Is(err, strconv.ErrRange), err == nil && secs > most:
			return time.Duration(most) * time.Second
		case err != nil:
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil || !t.After(now) {
		return 0
	}
	return t.Sub(now)
}
