package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// cloudFrontStub stands in for the CloudFront API: it records the
// invalidation batches it is sent and answers with errCode when set.
type cloudFrontStub struct {
	mu      sync.Mutex
	batches []cfBatch
	errCode string
}

type cfBatch struct {
	Distribution    string
	CallerReference string   `xml:"CallerReference"`
	Paths           []string `xml:"Paths>Items>Path"`
}

func (s *cloudFrontStub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m := regexp.MustCompile(`^/2020-05-31/distribution/([^/]+)/invalidation$`).FindStringSubmatch(r.URL.Path)
	body, _ := io.ReadAll(r.Body)
	var b cfBatch
	if m == nil || r.Method != http.MethodPost || xml.Unmarshal(body, &b) != nil {
		http.Error(w, "unexpected request", http.StatusBadRequest)
		return
	}
	b.Distribution = m[1]
	s.mu.Lock()
	s.batches = append(s.batches, b)
	code := s.errCode
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	if code != "" {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>no</Message></Error></ErrorResponse>`, code)
		return
	}
	w.WriteHeader(http.StatusCreated)
	fmt.Fprint(w, `<Invalidation><Id>I1</Id><Status>InProgress</Status><CreateTime>2026-11-24T20:00:00Z</CreateTime></Invalidation>`)
}

func (s *cloudFrontStub) taken() []cfBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.batches
	s.batches = nil
	return out
}

// TestDeployPurgesCloudFront promotes and rolls back with IGNY8_CDN set and
// checks what CloudFront is asked to invalidate: the changed pages with
// their folder URLs, under a reference per swap; a failing purge is a
// warning and the site still goes live.
func TestDeployPurgesCloudFront(t *testing.T) {
	if testing.Short() {
		t.Skip("Hugo builds are skipped with -short")
	}
	// The standard AWS chain reads the process environment.
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	stub := &cloudFrontStub{}
	srv := httptest.NewServer(stub)
	defer srv.Close()
	vars := map[string]string{
		"IGNY8_STORAGE":                    "fs://" + t.TempDir(),
		"IGNY8_CDN":                        "cloudfront",
		"IGNY8_CLOUDFRONT_DISTRIBUTION_ID": "E2EXAMPLE",
		"IGNY8_CLOUDFRONT_ENDPOINT":        srv.URL,
	}
	deploy := func(bp string) string {
		t.Helper()
		code, stdout, stderr := runEnv(t, vars, "deploy", bp, "--site", "cdn")
		if code != exitOK || strings.Contains(stderr, "warning") {
			t.Fatalf("deploy: exit %d\n%s%s", code, stdout, stderr)
		}
		return regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]
	}

	first := deploy(fixture)
	if got := stub.taken(); len(got) != 0 {
		t.Errorf("first deploy purged %+v; nothing was live, so nothing is cached", got)
	}

	changed := copyFixture(t)
	data, _ := os.ReadFile(changed)
	data = bytes.Replace(data, []byte(`"Notes from Acme."`), []byte(`"Fresh notes from Acme."`), 1)
	if err := os.WriteFile(changed, data, 0o644); err != nil {
		t.Fatal(err)
	}
	second := deploy(changed)
	got := stub.taken()
	if len(got) != 1 {
		t.Fatalf("second deploy: %d invalidations, want 1", len(got))
	}
	paths := got[0].Paths
	if got[0].Distribution != "E2EXAMPLE" || !slices.Contains(paths, "/blog/") || !slices.Contains(paths, "/blog/index.html") ||
		slices.Contains(paths, "/*") || slices.Contains(paths, "/privacy/") {
		t.Errorf("second deploy purged %s %v; want /blog/ and /blog/index.html, not unchanged pages", got[0].Distribution, paths)
	}
	if !strings.HasPrefix(got[0].CallerReference, "igny8/cdn/"+second+"/") {
		t.Errorf("caller reference %q does not name the site and deploy %s", got[0].CallerReference, second)
	}
	for _, p := range paths {
		if regexp.MustCompile(`\.[0-9a-f]{8,}\.`).MatchString(p) {
			t.Errorf("purged %s, a hashed (immutable) file", p)
		}
	}

	// Rolling back purges the same paths under a new reference.
	code, stdout, stderr := runEnv(t, vars, "rollback", "--site", "cdn")
	if code != exitOK || !strings.HasPrefix(stdout, first+" is live") {
		t.Fatalf("rollback: exit %d\n%s%s", code, stdout, stderr)
	}
	back := stub.taken()
	if len(back) != 1 || !slices.Equal(back[0].Paths, paths) || back[0].CallerReference == got[0].CallerReference ||
		!strings.HasPrefix(back[0].CallerReference, "igny8/cdn/"+first+"/") {
		t.Errorf("rollback purged %+v; want the same paths as %+v under a new reference", back, got[0])
	}

	// A failing purge warns; the promote stands.
	stub.errCode = "AccessDenied"
	code, stdout, stderr = runEnv(t, vars, "rollback", "--site", "cdn", "--to", second)
	if code != exitOK || !strings.Contains(stderr, "warning: the CDN was not purged") || !strings.Contains(stderr, "AccessDenied") {
		t.Errorf("rollback with a failing CDN: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runEnv(t, vars, "deploys", "--site", "cdn")
	if code != exitOK || !strings.Contains(stdout, "* "+second) {
		t.Errorf("after a failed purge %s must be live:\n%s", second, stdout)
	}
}

func TestCDNConfig(t *testing.T) {
	tests := []struct {
		vars map[string]string
		err  string
	}{
		{map[string]string{}, ""},
		{map[string]string{"IGNY8_CDN": "none"}, ""},
		{map[string]string{"IGNY8_CDN": "cloudfront", "IGNY8_CLOUDFRONT_DISTRIBUTION_ID": "E1"}, ""},
		{map[string]string{"IGNY8_CDN": "cloudfront"}, "set IGNY8_CLOUDFRONT_DISTRIBUTION_ID"},
		{map[string]string{"IGNY8_CDN": "fastly"}, `IGNY8_CDN="fastly": want cloudfront`},
	}
	for _, tt := range tests {
		_, err := loadCDNConfig(func(k string) string { return tt.vars[k] })
		if (tt.err == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("loadCDNConfig(%v) = %v, want %q", tt.vars, err, tt.err)
		}
	}
	vars := map[string]string{"IGNY8_STORAGE": "fs://" + t.TempDir(), "IGNY8_CDN": "cloudfront"}
	if code, _, stderr := runEnv(t, vars, "rollback", "--site", "x"); code != exitUsage || !strings.Contains(stderr, "IGNY8_CLOUDFRONT_DISTRIBUTION_ID") {
		t.Errorf("rollback with a bad CDN config: exit %d, %q", code, stderr)
	}
}
