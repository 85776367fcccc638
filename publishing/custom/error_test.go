package custom_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/custom"
	"github.com/igny8/igny8/safehttp"
)

// A refusal other than 408, 425 and 429 is final: one attempt, no wait,
// and a message that says what to change.
func TestPublishPermanent(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 400)
	cases := []struct {
		name    string
		status  int
		body    string
		header  []string
		message string // the DeliveryError's Message
		says    string // in Error()
		code    string
	}{
		{"400 json error", 400, `{"error":"title is required"}`, nil, "title is required",
			"refused the content (400 Bad Request): title is required", igny8.EInvalid},
		{"422 nested error", 422, `{"error":{"code":"x","message":"slug taken"}}`, nil, "slug taken",
			"refused the content (422 Unprocessable Entity): slug taken", igny8.EInvalid},
		{"422 problem detail", 422, `{"title":"Invalid","detail":"body too short"}`, []string{"Content-Type", "application/problem+json"}, "body too short",
			"refused the content (422 Unprocessable Entity): body too short", igny8.EInvalid},
		{"400 plain text, one line", 400, "bad\r\n\tthing\x00here", []string{"Content-Type", "text/plain"}, "bad thing here",
			"refused the content (400 Bad Request): bad thing here", igny8.EInvalid},
		{"400 long message truncated", 400, `{"message":"` + long + `"}`, nil, strings.Repeat("é", 299) + "…",
			"refused the content (400 Bad Request): ééé", igny8.EInvalid},
		{"400 html page ignored", 400, "<html><body><h1>Bad Request</h1></body></html>", []string{"Content-Type", "text/html; charset=utf-8"}, "",
			"refused the content (400 Bad Request) and gave no reason.", igny8.EInvalid},
		{"400 empty", 400, "", nil, "", "and gave no reason.", igny8.EInvalid},
		{"401", 401, `{"error":"bad signature"}`, nil, "bad signature",
			"refused IGNY8's signature or credentials (401 Unauthorized): check the signing secret", igny8.EUnauthorized},
		{"403", 403, "", nil, "", "refused IGNY8's signature or credentials (403 Forbidden): check the signing secret", igny8.EUnauthorized},
		{"404", 404, "", nil, "", "does not exist (anymore) (404 Not Found): check the URL in this destination's settings.", igny8.ENotFound},
		{"410", 410, "", nil, "", "does not exist (anymore) (410 Gone)", igny8.ENotFound},
		{"405", 405, "use PUT", nil, "use PUT", "refused the delivery (405 Method Not Allowed) (it said: use PUT).", igny8.EInvalid},
		{"409", 409, "", nil, "", "refused the delivery (409 Conflict).", igny8.EConflict},
		{"413", 413, "", nil, "", "refused the delivery (413 Request Entity Too Large).", igny8.EInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, answer(c.status, c.body, c.header...), custom.Config{})
			_, err := b.dest.Publish(context.Background(), delivery())
			var de *custom.DeliveryError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want *DeliveryError", err, err)
			}
			if !de.Permanent || de.Attempts != 1 || de.Status != c.status || de.Err != nil {
				t.Errorf("got %+v; want permanent, 1 attempt, status %d", de, c.status)
			}
			if de.Message != c.message {
				t.Errorf("Message = %q, want %q", de.Message, c.message)
			}
			if utf8.RuneCountInString(de.Message) > custom.MaxMessageLength {
				t.Errorf("Message has %d characters, more than %d", utf8.RuneCountInString(de.Message), custom.MaxMessageLength)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("message %q does not say %q", err, c.says)
			}
			if !strings.HasPrefix(err.Error(), "The endpoint") || strings.Contains(err.Error(), "/hooks/") {
				t.Errorf("message %q: want it to name the endpoint by its host only", err)
			}
			if got := igny8.ErrorCode(err); got != c.code {
				t.Errorf("code %q, want %q", got, c.code)
			}
			if got := igny8.ErrorMessage(err); got != err.Error() {
				t.Errorf("igny8.ErrorMessage = %q, want the error's own message", got)
			}
			if got := len(b.requests()); got != 1 {
				t.Errorf("%d requests, want 1", got)
			}
			if got := len(b.clock.Sleeps()); got != 0 {
				t.Errorf("slept %d times, want 0", got)
			}
		})
	}
}

// Redirects are refused, even with a client that would follow them.
func TestPublishRefusesRedirect(t *testing.T) {
	t.Parallel()
	target := setup(t, answer(200, `{"id":"moved"}`), custom.Config{})
	b := setup(t, answer(http.StatusMovedPermanently, "", "Location", target.srv.URL+"/new/path"), custom.Config{})
	_, err := b.dest.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || de.Status != 301 || de.Attempts != 1 {
		t.Fatalf("error %v; want a permanent DeliveryError for the 301", err)
	}
	if want := "redirects (301 Moved Permanently) to " + target.srv.URL + "/; IGNY8 does not follow redirects"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q does not say %q", err, want)
	}
	if got := len(target.requests()); got != 0 {
		t.Errorf("the redirect's target got %d requests, want 0", got)
	}
}

// An address safehttp refuses is a permanent error that keeps
// safehttp's message.
func TestPublishBlockedBySafeHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(200, ""), custom.Config{})
	d, err := custom.New(b.srv.URL+"/hooks", custom.Config{Client: custom.NewClient(), Sleep: b.clock.Sleep}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	var be *safehttp.BlockedError
	if !errors.As(err, &de) || !errors.As(err, &be) {
		t.Fatalf("error %v (%T); want a DeliveryError with a safehttp.BlockedError", err, err)
	}
	if !de.Permanent || de.Attempts != 1 || be.Reason != "loopback" {
		t.Errorf("got %+v, reason %q; want permanent after 1 attempt, loopback", de, be.Reason)
	}
	if got, want := err.Error(), be.Error(); got != want {
		t.Errorf("message %q, want safehttp's %q", got, want)
	}
	if got := igny8.ErrorCode(err); got != igny8.EForbidden {
		t.Errorf("code %q, want %q", got, igny8.EForbidden)
	}
	if got := len(b.requests()); got != 0 {
		t.Errorf("the endpoint got %d requests, want 0", got)
	}
}

// safehttp's own response limit (*safehttp.TooLargeError) counts as an
// answer too large, like the package's.
func TestPublishSafeHTTPResponseLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(200, `{"id":"x","pad":"`+strings.Repeat("a", 4096)+`"}`), custom.Config{})
	client := safehttp.NewClient(safehttp.Config{AllowHosts: []string{"127.0.0.1"}, MaxResponseBytes: 512, MaxRedirects: -1})
	d, err := custom.New(b.srv.URL, custom.Config{Client: client}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Publish(context.Background(), delivery())
	if err != nil {
		t.Fatal(err)
	}
	if res.RemoteID != "" || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "larger than") {
		t.Errorf("result %+v; want accepted, no id, a note about the size", res)
	}
}

// A refusal's body is read up to the limit only, and its message cut.
func TestPublishRefusalOverLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, answer(422, strings.Repeat("word ", 100_000)), custom.Config{MaxResponseBytes: 2048})
	_, err := b.dest.Publish(context.Background(), delivery())
	var de *custom.DeliveryError
	if !errors.As(err, &de) || !de.Permanent {
		t.Fatalf("error %v, want a permanent DeliveryError", err)
	}
	if n := utf8.RuneCountInString(de.Message); n != custom.MaxMessageLength || !strings.HasSuffix(de.Message, "…") {
		t.Errorf("Message of %d characters, want %d ending in …", n, custom.MaxMessageLength)
	}
}

// The signing secret appears in no error, whatever the failure, even
// when the endpoint echoes it; nor when a Destination is printed.
func TestSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	leaks := func(s string) bool {
		return strings.Contains(s, secret) || strings.Contains(s, hex.EncodeToString([]byte(secret))) ||
			strings.Contains(s, fmt.Sprint([]byte(secret)))
	}
	handlers := map[string]func(http.ResponseWriter, *http.Request, int){
		"401":             answer(401, `{"error":"expected secret `+secret+`"}`),
		"400 echo":        answer(400, "your secret is "+secret),
		"422 json echo":   answer(422, `{"message":"`+secret+`"}`),
		"503 echo":        answer(503, secret),
		"200 echo as id":  answer(200, `{"id":"ok","url":"https://x.example/`+secret+`"}`),
		"redirect":        answer(302, "", "Location", "https://other.example/"+secret),
		"500 echo header": answer(500, "", "Retry-After", secret),
	}
	for name, h := range handlers {
		b := setup(t, h, custom.Config{})
		res, err := b.dest.Publish(context.Background(), delivery())
		if err != nil {
			if leaks(err.Error()) || leaks(igny8.ErrorMessage(err)) || leaks(fmt.Sprintf("%+v", err)) {
				t.Errorf("%s: the error shows the secret: %v", name, err)
			}
		} else if leaks(strings.Join(res.Notes, " ")) {
			t.Errorf("%s: a note shows the secret: %q", name, res.Notes)
		}
	}
	// A network error, and a refused address.
	b := setup(t, answer(200, ""), custom.Config{MaxAttempts: 2})
	b.srv.Close()
	if _, err := b.dest.Publish(context.Background(), delivery()); err == nil || leaks(err.Error()) {
		t.Errorf("network error %v: want one, without the secret", err)
	}
	d, err := custom.New(b.srv.URL, custom.Config{}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Publish(context.Background(), delivery()); err == nil || leaks(err.Error()) {
		t.Errorf("blocked error %v: want one, without the secret", err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%q"} {
		for _, arg := range []any{d, *d} {
			if s := fmt.Sprintf(verb, arg); leaks(s) {
				t.Errorf("fmt %s of %T shows the secret: %s", verb, arg, s)
			}
		}
	}
}
