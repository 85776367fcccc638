package storage_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/igny8/igny8/storage"
)

func TestValidateBucket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		bucket string
		ok     bool
	}{
		{"igny8-routes", true},
		{storage.SiteBucket("01hz8k2m3n4p5q6r7s8t9v0w1x"), true},
		{storage.SiteBucket("3f2c6a3e-1b7d-4f0e-9a51-2b6f1d0e8c47"), true},
		{"abc", true},
		{strings.Repeat("a", 63), true},
		{"ab", false},
		{strings.Repeat("a", 64), false},
		{"Upper", false},
		{"-lead", false},
		{"trail-", false},
		{"dot.ted", false},
		{"under_score", false},
		{".tmp", false},
		{".locks", false},
		{"a/b", false},
	}
	for _, tt := range tests {
		err := storage.ValidateBucket(tt.bucket)
		if got := err == nil; got != tt.ok {
			t.Errorf("ValidateBucket(%q) = %v, want ok %v", tt.bucket, err, tt.ok)
		}
		if err != nil && !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("ValidateBucket(%q) = %v, want ErrInvalid", tt.bucket, err)
		}
	}
}

func TestValidateKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key string
		ok  bool
	}{
		{"refs/live", true},
		{"blobs/sha256/ab/abcdef.br", true},
		{"..dots/a..b/.hidden", true},
		{"ünï/😀", true},
		{strings.Repeat("k", storage.MaxKeyLen), true},
		{"", false},
		{"/abs", false},
		{"dir/", false},
		{"a//b", false},
		{".", false},
		{"..", false},
		{"a/./b", false},
		{"a/../b", false},
		{"../a", false},
		{`a\b`, false},
		{"a\x00b", false},
		{"a\tb", false},
		{"a\x7fb", false},
		{"\xff", false},
		{strings.Repeat("k", storage.MaxKeyLen+1), false},
	}
	for _, tt := range tests {
		err := storage.ValidateKey(tt.key)
		if got := err == nil; got != tt.ok {
			t.Errorf("ValidateKey(%q) = %v, want ok %v", tt.key, err, tt.ok)
		}
		if err != nil && !errors.Is(err, storage.ErrInvalid) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalid", tt.key, err)
		}
	}
}

func TestValidatePrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"", true},
		{"deploys/", true},
		{"blobs/sha256/a", true},
		{"..", true}, // a partial segment: matches "..dots"
		{"a/.", true},
		{"/", false},
		{"a//", false},
		{"../", false},
		{"a/../", false},
		{`a\`, false},
		{"a\x00", false},
	}
	for _, tt := range tests {
		if err := storage.ValidatePrefix(tt.prefix); (err == nil) != tt.ok {
			t.Errorf("ValidatePrefix(%q) = %v, want ok %v", tt.prefix, err, tt.ok)
		}
	}
}

func TestRangeBounds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r              storage.Range
		size           int64
		offset, length int64
		err            error
	}{
		{storage.Range{}, 10, 0, 10, nil},
		{storage.Range{Offset: 2, Length: 3}, 10, 2, 3, nil},
		{storage.Range{Offset: 7}, 10, 7, 3, nil},
		{storage.Range{Offset: 5, Length: 100}, 10, 5, 5, nil},
		{storage.Range{Offset: 10}, 10, 0, 0, storage.ErrInvalidRange},
		{storage.Range{}, 0, 0, 0, storage.ErrInvalidRange},
		{storage.Range{Offset: -1}, 10, 0, 0, storage.ErrInvalid},
		{storage.Range{Length: -1}, 10, 0, 0, storage.ErrInvalid},
	}
	for _, tt := range tests {
		off, n, err := tt.r.Bounds(tt.size)
		if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("%+v.Bounds(%d) error = %v, want %v", tt.r, tt.size, err, tt.err)
			continue
		}
		if off != tt.offset || n != tt.length {
			t.Errorf("%+v.Bounds(%d) = %d, %d; want %d, %d", tt.r, tt.size, off, n, tt.offset, tt.length)
		}
	}
}

func TestPutOptionsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts storage.PutOptions
		ok   bool
	}{
		{storage.PutOptions{}, true},
		{storage.PutOptions{ContentType: "text/html; charset=utf-8", IfNotExist: true}, true},
		{storage.PutOptions{IfGenerationMatch: "abc"}, true},
		{storage.PutOptions{IfNotExist: true, IfGenerationMatch: "abc"}, false},
		{storage.PutOptions{ContentType: "text/html\r\nSet-Cookie: x"}, false},
		{storage.PutOptions{ContentType: "tëxt/plain"}, false},
		{storage.PutOptions{ContentType: strings.Repeat("x", 257)}, false},
	}
	for _, tt := range tests {
		if err := tt.opts.Validate(); (err == nil) != tt.ok {
			t.Errorf("%+v.Validate() = %v, want ok %v", tt.opts, err, tt.ok)
		}
	}
}
