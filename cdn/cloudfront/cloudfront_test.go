package cloudfront_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awscf "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/cdn/cloudfront"
)

// batch is the request body of CreateInvalidation.
type batch struct {
	XMLName         xml.Name `xml:"InvalidationBatch"`
	CallerReference string
	Quantity        int      `xml:"Paths>Quantity"`
	Paths           []string `xml:"Paths>Items>Path"`
}

// fakeCloudFront stands in for the CloudFront API: it records every
// CreateInvalidation and, like CloudFront, answers a repeated caller
// reference with the first invalidation, or with an error when the paths
// differ.
type fakeCloudFront struct {
	mu       sync.Mutex
	requests []batch
	byRef    map[string][]string
	fail     string // error code to answer with, if any
}

func (f *fakeCloudFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation" {
		http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var b batch
	if err := xml.Unmarshal(body, &b); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, b)
	code := f.fail
	if prev, ok := f.byRef[b.CallerReference]; ok && !slices.Equal(prev, b.Paths) {
		code = "InvalidationBatchAlreadyExists"
	}
	if code != "" {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<?xml version="1.0"?><ErrorResponse xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r1</RequestId></ErrorResponse>`, code, code)
		return
	}
	if f.byRef == nil {
		f.byRef = map[string][]string{}
	}
	if _, ok := f.byRef[b.CallerReference]; !ok {
		f.byRef[b.CallerReference] = b.Paths
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Location", "https://cloudfront.amazonaws.com/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation/I1")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `<?xml version="1.0"?><Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>I1</Id><Status>InProgress</Status><CreateTime>2026-11-24T20:00:00Z</CreateTime>%s</Invalidation>`,
		strings.TrimPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`))
}

func newPurger(t *testing.T) (*cloudfront.Purger, *fakeCloudFront) {
	t.Helper()
	fake := &fakeCloudFront{}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	client := awscf.New(awscf.Options{
		BaseEndpoint:     aws.String(srv.URL),
		Region:           "us-east-1",
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}, nil
		}),
	})
	return cloudfront.New(client, "EDFDVBD6EXAMPLE"), fake
}

func TestPurge(t *testing.T) {
	p, fake := newPurger(t)
	inv := cdn.Invalidation{SiteID: "acme", DeployID: "d2", Generation: 3, Paths: []string{"/", "/about/", "/about/index.html", "/index.html"}}
	if err := p.Purge(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	// A retry of the same swap sends the same batch, which CloudFront
	// answers with the first invalidation instead of a new one.
	if err := p.Purge(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	if len(fake.requests) != 2 {
		t.Fatalf("%d requests, want 2", len(fake.requests))
	}
	for _, got := range fake.requests {
		if got.CallerReference != "igny8/acme/d2/3" || got.Quantity != 4 || !slices.Equal(got.Paths, inv.Paths) {
			t.Errorf("batch = %+v, want reference igny8/acme/d2/3 and paths %v", got, inv.Paths)
		}
	}
	if len(fake.byRef) != 1 {
		t.Errorf("%d invalidations created, want 1", len(fake.byRef))
	}
}

func TestPurgeTooManyPaths(t *testing.T) {
	p, fake := newPurger(t)
	paths := make([]string, cloudfront.MaxPaths+1)
	for i := range paths {
		paths[i] = fmt.Sprintf("/p%d/", i)
	}
	if err := p.Purge(context.Background(), cdn.Invalidation{SiteID: "acme", DeployID: "d2", Generation: 4, Paths: paths[:cloudfront.MaxPaths]}); err != nil {
		t.Fatal(err)
	}
	if err := p.Purge(context.Background(), cdn.Invalidation{SiteID: "acme", DeployID: "d3", Generation: 5, Paths: paths}); err != nil {
		t.Fatal(err)
	}
	if got := fake.requests[0]; got.Quantity != cloudfront.MaxPaths || len(got.Paths) != cloudfront.MaxPaths {
		t.Errorf("at the limit: %d paths sent, want %d", len(got.Paths), cloudfront.MaxPaths)
	}
	if got := fake.requests[1]; got.Quantity != 1 || !slices.Equal(got.Paths, []string{"/*"}) {
		t.Errorf("over the limit: paths %v (quantity %d), want just /*", got.Paths, got.Quantity)
	}
}

func TestPurgeErrors(t *testing.T) {
	p, fake := newPurger(t)
	ctx := context.Background()
	inv := cdn.Invalidation{SiteID: "acme", DeployID: "d2", Generation: 3, Paths: []string{"/a"}}
	if err := p.Purge(ctx, inv); err != nil {
		t.Fatal(err)
	}
	// The same swap purged before with other paths is done, not failed.
	inv.Paths = []string{"/*"}
	if err := p.Purge(ctx, inv); err != nil {
		t.Errorf("same reference, other paths: %v, want nil", err)
	}
	fake.fail = "TooManyInvalidationsInProgress"
	err := p.Purge(ctx, cdn.Invalidation{SiteID: "acme", DeployID: "d4", Generation: 6, Paths: []string{"/b"}})
	if err == nil || !strings.Contains(err.Error(), "TooManyInvalidationsInProgress") || !strings.Contains(err.Error(), "igny8/acme/d4/6") {
		t.Errorf("err = %v, want the CloudFront error and the reference", err)
	}
	if err := p.Purge(ctx, cdn.Invalidation{SiteID: "acme", DeployID: "d5"}); err != nil || len(fake.requests) != 3 {
		t.Errorf("no paths: err %v after %d requests; want no request", err, len(fake.requests))
	}
}
