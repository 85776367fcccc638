package backend_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/backend"
	"github.com/igny8/igny8/storage/fs"
	"github.com/igny8/igny8/storage/s3"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := backend.Config{S3: s3.Config{Endpoint: "http://127.0.0.1:9000", AccessKey: "a", SecretKey: "bbbbbbbb"}}
	tests := []struct {
		url  string
		want string // the Store's type, or "error"
	}{
		{"fs://" + dir, "*fs.Store"},
		{"fs://" + filepath.Join(dir, "nested", "objects"), "*fs.Store"},
		{"s3://", "*s3.Store"},
		{"s3://igny8-sites", "*storage.PrefixStore"},
		{"s3://igny8-sites/", "*storage.PrefixStore"},
		{"s3://Bad_Bucket", "error"},
		{"fs://", "error"},
		{"gs://bucket", "error"},
		{"./data/objects", "error"},
	}
	for _, tt := range tests {
		s, err := backend.Open(tt.url, cfg)
		got := "error"
		if err == nil {
			got = typeName(s)
		}
		if got != tt.want {
			t.Errorf("Open(%q) = %s (%v), want %s", tt.url, got, err, tt.want)
		}
	}
	if _, err := backend.Open("s3://", backend.Config{}); err == nil || !strings.Contains(err.Error(), "endpoint") {
		t.Errorf("Open(s3://) without an endpoint = %v, want an error naming the endpoint", err)
	}
}

// TestOpenRelative checks the documented default, fs://./data/objects.
func TestOpenRelative(t *testing.T) {
	t.Chdir(t.TempDir())
	s, err := backend.Open("fs://./data/objects", backend.Config{})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := filepath.Abs("data/objects")
	if got := s.(*fs.Store).Root(); got != root {
		t.Errorf("Root() = %q, want %q", got, root)
	}
}

func typeName(s storage.Store) string {
	switch s.(type) {
	case *fs.Store:
		return "*fs.Store"
	case *s3.Store:
		return "*s3.Store"
	case *storage.PrefixStore:
		return "*storage.PrefixStore"
	}
	return "unknown"
}
