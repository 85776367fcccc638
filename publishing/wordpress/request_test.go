package wordpress_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/wordpress"
)

// scripted answers each request with the next of its handlers (the last
// one repeats) and keeps what it was sent.
type scripted struct {
	mu       sync.Mutex
	handlers []http.HandlerFunc
	got      []*http.Request
	bodies   []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.got = append(s.got, r)
	s.bodies = append(s.bodies, string(body))
	h := s.handlers[min(len(s.got), len(s.handlers))-1]
	s.mu.Unlock()
	h(w, r)
}

func (s *scripted) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// scriptedClient serves handlers and returns a client whose REST root is
// already known (root is "/wp-json/" or "/?rest_route=/"), with the
// waits between tries recorded instead of slept.
func scriptedClient(t *testing.T, root string, handlers ...http.HandlerFunc) (*wordpress.Client, *scripted, *[]time.Duration) {
	t.Helper()
	s := &scripted{handlers: handlers}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	c, err := wordpress.New(wordpress.Config{SiteURL: srv.URL, Username: "eve", Password: testPassword, HTTPClient: srv.Client(), APIRoot: srv.URL + root})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	wordpress.SetSleep(c, func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		*waits = append(*waits, d)
		return nil
	})
	return c, s, waits
}

func answerJSON(status int, body string, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestDoMapsRefusals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		code      string
		retryable bool
		says      string
	}{
		{"wrong password", 401, `{"code":"incorrect_password","message":"The provided password is an invalid application password.","data":{"status":401}}`, igny8.EUnauthorized, false, "Application Password"},
		{"no right", 403, `{"code":"rest_cannot_create","message":"Sorry, you are not allowed to create posts as this user.","data":{"status":403}}`, igny8.EForbidden, false, "Editor"},
		{"gone", 404, `{"code":"rest_post_invalid_id","message":"Invalid post ID.","data":{"status":404}}`, igny8.ENotFound, false, "rest_post_invalid_id"},
		{"410", 410, `{"code":"gone","message":"Gone","data":{"status":410}}`, igny8.ENotFound, false, "410"},
		{"conflict", 409, `{"code":"rest_conflict","message":"Conflict","data":{"status":409}}`, igny8.EConflict, false, "conflict"},
		{"bad param", 400, `{"code":"rest_invalid_param","message":"Invalid parameter(s): status","data":{"status":400,"params":{"status":"status is not one of publish, future, draft, pending, private."},"details":{}}}`, igny8.EInvalid, false, "status: status is not one of"},
		{"missing param", 400, `{"code":"rest_missing_callback_param","message":"Missing parameter(s): name","data":{"status":400,"params":["name"]}}`, igny8.EInvalid, false, "the value of name"},
		{"server error", 500, `{"code":"internal_server_error","message":"There has been a critical error on this website.","data":{"status":500}}`, igny8.EInternal, true, ""},
		{"throttled", 429, `{"code":"too_many","message":"Slow down","data":{"status":429}}`, igny8.EInternal, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, s, _ := scriptedClient(t, "/wp-json/", answerJSON(tc.status, tc.body))
			err := c.Do(context.Background(), http.MethodGet, "/wp/v2/posts/5", nil, nil, nil)
			var ae *wordpress.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("Do = %v (%T), want an *APIError", err, err)
			}
			if got := igny8.ErrorCode(err); got != tc.code {
				t.Errorf("code = %q, want %q (%v)", got, tc.code, err)
			}
			if got := ae.Retryable(); got != tc.retryable {
				t.Errorf("Retryable = %v, want %v", got, tc.retryable)
			}
			if msg := igny8.ErrorMessage(err); tc.says != "" && !strings.Contains(msg, tc.says) {
				t.Errorf("message %q does not say %q", msg, tc.says)
			}
			if want := map[bool]int{true: wordpress.DefaultMaxAttempts, false: 1}[tc.retryable]; s.requests() != want || ae.Attempts != want {
				t.Errorf("%d requests, Attempts %d; want %d", s.requests(), ae.Attempts, want)
			}
		})
	}
}

func TestDoHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	c, s, waits := scriptedClient(t, "/wp-json/",
		answerJSON(429, `{"code":"rate_limited","message":"Too many requests","data":{"status":429}}`, "Retry-After", "7"),
		answerJSON(200, `{"id":5}`))
	var got struct{ ID int }
	if err := c.Do(context.Background(), http.MethodPost, "/wp/v2/posts", nil, map[string]string{"title": "x"}, &got); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if got.ID != 5 || s.requests() != 2 {
		t.Errorf("id %d after %d requests, want 5 after 2", got.ID, s.requests())
	}
	if len(*waits) != 1 || (*waits)[0] != 7*time.Second {
		t.Errorf("waited %v, want [7s]", *waits)
	}
}

func TestDoRetryAfterTooLong(t *testing.T) {
	t.Parallel()
	c, s, waits := scriptedClient(t, "/wp-json/", answerJSON(503, `{"code":"maintenance","message":"Briefly unavailable for scheduled maintenance.","data":{"status":503}}`, "Retry-After", "3600"))
	err := c.Do(context.Background(), http.MethodGet, "/wp/v2/posts", nil, nil, nil)
	var ae *wordpress.APIError
	if !errors.As(err, &ae) || ae.RetryAfter != time.Hour || !ae.Retryable() {
		t.Fatalf("Do = %v, want a retryable *APIError asking for an hour", err)
	}
	if s.requests() != 1 || len(*waits) != 0 {
		t.Errorf("%d requests, waits %v: a Retry-After past MaxRetryWait ends the request", s.requests(), *waits)
	}
}

func TestDoServerErrorThenSuccess(t *testing.T) {
	t.Parallel()
	fail := answerJSON(500, `<html><body>Internal Server Error</body></html>`)
	c, s, waits := scriptedClient(t, "/wp-json/", fail, answerJSON(200, `{"id":9}`))
	var got struct{ ID int }
	if err := c.Do(context.Background(), http.MethodGet, "/wp/v2/posts/9", nil, nil, &got); err != nil || got.ID != 9 {
		t.Fatalf("Do = %v, id %d; want id 9 on the second try", err, got.ID)
	}
	if s.requests() != 2 || len(*waits) != 1 || (*waits)[0] != time.Second {
		t.Errorf("%d requests, waits %v; want 2 and [1s]", s.requests(), *waits)
	}

	// A POST that failed with a 500 may have been stored: not retried.
	c, s, _ = scriptedClient(t, "/wp-json/", fail, answerJSON(201, `{"id":10}`))
	err := c.Do(context.Background(), http.MethodPost, "/wp/v2/posts", nil, map[string]string{"title": "x"}, &got)
	if err == nil || s.requests() != 1 {
		t.Errorf("POST after a 500: %v after %d requests; want the error after 1", err, s.requests())
	}
}

func TestDoBothURLForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ root, want string }{
		{"/wp-json/", "/wp-json/wp/v2/posts/3?context=edit"},
		{"/?rest_route=/", "/?rest_route=/wp/v2/posts/3&context=edit"},
	} {
		c, s, _ := scriptedClient(t, tc.root, answerJSON(200, `{"id":3}`))
		if err := c.Do(context.Background(), http.MethodPut, "/wp/v2/posts/3", map[string][]string{"context": {"edit"}}, map[string]string{"title": "T"}, nil); err != nil {
			t.Fatal(err)
		}
		r := s.got[0]
		if r.URL.RequestURI() != tc.want || r.Method != http.MethodPut || s.bodies[0] != `{"title":"T"}` || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("sent %s %s %s (%s), want PUT %s with the JSON body", r.Method, r.URL.RequestURI(), s.bodies[0], r.Header.Get("Content-Type"), tc.want)
		}
		if _, _, ok := r.BasicAuth(); !ok {
			t.Error("not signed in")
		}
	}
}

func TestUploadSendsTheFile(t *testing.T) {
	t.Parallel()
	c, s, _ := scriptedClient(t, "/?rest_route=/", answerJSON(201, `{"id":31,"source_url":"https://example.com/wp-content/uploads/igny8-0123.png"}`))
	var m struct {
		ID        int    `json:"id"`
		SourceURL string `json:"source_url"`
	}
	err := c.Upload(context.Background(), "/wp/v2/media", map[string][]string{"alt_text": {"A rose"}}, "igny8-0123.png", "image/png", []byte("\x89PNG"), &m)
	if err != nil || m.ID != 31 {
		t.Fatalf("Upload = %v, %+v", err, m)
	}
	r := s.got[0]
	if got, want := r.Header.Get("Content-Disposition"), `attachment; filename="igny8-0123.png"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if r.Header.Get("Content-Type") != "image/png" || s.bodies[0] != "\x89PNG" || r.URL.Query().Get("alt_text") != "A rose" {
		t.Errorf("sent %s %q alt %q", r.Header.Get("Content-Type"), s.bodies[0], r.URL.Query().Get("alt_text"))
	}
	if err := c.Upload(context.Background(), "/wp/v2/media", nil, `a"b.png`, "image/png", nil, nil); err == nil {
		t.Error("Upload accepted a file name with a quote")
	}
}
