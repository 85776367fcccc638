package wordpress_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/igny8/igny8/publishing/wordpress"
)

// postIDs reads the id of each item.
func postIDs(t *testing.T, items []json.RawMessage) []int {
	t.Helper()
	ids := make([]int, len(items))
	for i, raw := range items {
		var p struct{ ID int }
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		ids[i] = p.ID
	}
	return ids
}

func count(n int) []int {
	ids := make([]int, n)
	for i := range ids {
		ids[i] = i + 1
	}
	return ids
}

// postRequests are the URIs of the requests for posts, in order.
func postRequests(f *fakeWP) []string {
	var uris []string
	for _, r := range f.seen() {
		if strings.Contains(r.uri, "posts") {
			uris = append(uris, r.uri)
		}
	}
	return uris
}

func TestFetchAllReadsEveryPage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fake  *fakeWP
		pages []string
	}{
		{"pretty permalinks", &fakeWP{posts: 250}, []string{
			"/wp-json/wp/v2/posts?page=1&per_page=100&status=publish",
			"/wp-json/wp/v2/posts?page=2&per_page=100&status=publish",
			"/wp-json/wp/v2/posts?page=3&per_page=100&status=publish",
		}},
		{"plain permalinks", &fakeWP{posts: 250, plain: true}, []string{
			"/?rest_route=/wp/v2/posts&page=1&per_page=100&status=publish",
			"/?rest_route=/wp/v2/posts&page=2&per_page=100&status=publish",
			"/?rest_route=/wp/v2/posts&page=3&per_page=100&status=publish",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tc.fake, true)

			// No Check first: FetchAll finds the REST API itself.
			items, err := b.client.FetchAll(context.Background(), "/wp/v2/posts", url.Values{"status": {"publish"}, "page": {"9"}})
			if err != nil {
				t.Fatalf("FetchAll: %v", err)
			}
			if got, want := postIDs(t, items), count(250); !reflect.DeepEqual(got, want) {
				t.Errorf("ids = %v…, want 1…250 in order (%d items)", got[:min(5, len(got))], len(got))
			}
			if got := postRequests(b.fake); !reflect.DeepEqual(got, tc.pages) {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.pages, "\n"))
			}
			for _, r := range b.fake.seen() {
				if strings.Contains(r.uri, "posts") && !r.auth {
					t.Errorf("%s was not signed in", r.uri)
				}
			}
		})
	}
}

// A site that sends no X-WP-TotalPages: FetchAll stops at a short page,
// or at WordPress's refusal of a page past the end.
func TestFetchAllWithoutTotals(t *testing.T) {
	t.Parallel()
	for _, posts := range []int{150, 200, 0} {
		b := setup(t, &fakeWP{posts: posts, noTotals: true}, true)
		items, err := b.client.FetchAll(context.Background(), "/wp/v2/posts", nil)
		if err != nil {
			t.Fatalf("%d posts: FetchAll: %v", posts, err)
		}
		if got, want := len(items), posts; got != want {
			t.Errorf("%d posts: got %d items", posts, got)
		}
	}
}

func TestFetchAllIsBounded(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{posts: 1000}, true, func(c *wordpress.Config) { c.MaxPages = 3 })

	items, err := b.client.FetchAll(context.Background(), "/wp/v2/posts", nil)
	if err == nil || !strings.Contains(err.Error(), "at most 3") {
		t.Fatalf("FetchAll = %d items, %v; want an error that names the bound", len(items), err)
	}
	if got := len(postRequests(b.fake)); got != 1 {
		t.Errorf("%d requests for posts, want 1: the first page says there are 10", got)
	}
}

func TestFetchAllStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	fake := &fakeWP{posts: 250, users: []fakeUser{editorUser}}
	srv := fake.start(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hc := srv.Client()
	hc.Transport = cancelAfter{next: hc.Transport, match: "page=1&", cancel: cancel}
	client, err := wordpress.New(wordpress.Config{SiteURL: srv.URL, Username: "eve", Password: testPassword, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}

	_, err = client.FetchAll(ctx, "/wp/v2/posts", nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("FetchAll = %v, want context.Canceled", err)
	}
	if got := postRequests(fake); len(got) != 1 {
		t.Errorf("requests for posts after the cancel: %v, want only page 1", got)
	}
}

// cancelAfter cancels a context once a response to a matching request
// has arrived.
type cancelAfter struct {
	next   http.RoundTripper
	match  string
	cancel context.CancelFunc
}

func (c cancelAfter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if strings.Contains(r.URL.RawQuery, c.match) {
		c.cancel()
	}
	return resp, err
}

func TestFetchAllRefusal(t *testing.T) {
	t.Parallel()
	b := setup(t, &fakeWP{}, true)

	_, err := b.client.FetchAll(context.Background(), "/wp/v2/widgets-that-do-not-exist", nil)
	var ae *wordpress.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("FetchAll = %v (%T), want an *wordpress.APIError", err, err)
	}
	if ae.Status != http.StatusNotFound || ae.Code != "rest_no_route" || ae.Message != "No route was found matching the URL and request method." {
		t.Errorf("APIError = %+v, want 404 rest_no_route with WordPress's message", ae)
	}
}
