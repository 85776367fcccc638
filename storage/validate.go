package storage

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// SiteBucketPrefix starts the name of every site's bucket.
const SiteBucketPrefix = "igny8-site-"

// SiteBucket returns the bucket of a site in the bucket-per-site layout.
// Site IDs are lowercase letters, digits and hyphens, so the result passes
// ValidateBucket when siteID is at most 52 bytes.
func SiteBucket(siteID string) string { return SiteBucketPrefix + siteID }

// MaxKeyLen is the longest key in bytes, S3's limit.
const MaxKeyLen = 1024

// ValidateBucket checks a bucket name: 3 to 63 lowercase letters, digits and
// hyphens that start and end with a letter or digit. That is S3's rule minus
// dots, so a name is also a safe folder name and a DNS label.
func ValidateBucket(bucket string) error {
	if n := len(bucket); n < 3 || n > 63 {
		return fmt.Errorf("bucket %q: length must be 3 to 63: %w", bucket, ErrInvalid)
	}
	for i := 0; i < len(bucket); i++ {
		c := bucket[i]
		alnum := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !alnum && (c != '-' || i == 0 || i == len(bucket)-1) {
			return fmt.Errorf("bucket %q: only a-z, 0-9 and inner hyphens are allowed: %w", bucket, ErrInvalid)
		}
	}
	return nil
}

// ValidateKey checks an object key. Keys are slash-separated paths of at most
// MaxKeyLen bytes of UTF-8 with no control characters (NUL included) and no
// backslashes; they neither start nor end with "/", and no segment is empty,
// "." or "..". Every backend enforces the same rule, which is what keeps the
// fs store inside its folder and keys portable between backends.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("key is empty: %w", ErrInvalid)
	}
	if strings.HasSuffix(key, "/") {
		return fmt.Errorf("key %q: ends with a slash: %w", key, ErrInvalid)
	}
	return validatePath("key", key, strings.Split(key, "/"))
}

// ValidatePrefix checks a List prefix: "" or the start of a valid key. Its
// last segment may be partial ("blobs/sha256/a"), so only the complete
// segments before it are held to ValidateKey's segment rule.
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	segs := strings.Split(prefix, "/")
	return validatePath("prefix", prefix, segs[:len(segs)-1])
}

func validatePath(what, s string, segments []string) error {
	if len(s) > MaxKeyLen {
		return fmt.Errorf("%s is longer than %d bytes: %w", what, MaxKeyLen, ErrInvalid)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s %q: not valid UTF-8: %w", what, s, ErrInvalid)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s %q: contains a control character: %w", what, s, ErrInvalid)
		}
		if r == '\\' {
			return fmt.Errorf("%s %q: contains a backslash: %w", what, s, ErrInvalid)
		}
	}
	if strings.HasPrefix(s, "/") {
		return fmt.Errorf("%s %q: starts with a slash: %w", what, s, ErrInvalid)
	}
	for _, seg := range segments {
		switch seg {
		case "":
			return fmt.Errorf("%s %q: has an empty segment: %w", what, s, ErrInvalid)
		case ".", "..":
			return fmt.Errorf("%s %q: has a %q segment: %w", what, s, seg, ErrInvalid)
		}
	}
	return nil
}

// Validate checks the options of a Put.
func (o PutOptions) Validate() error {
	if o.IfNotExist && o.IfGenerationMatch != "" {
		return fmt.Errorf("IfNotExist and IfGenerationMatch are exclusive: %w", ErrInvalid)
	}
	if len(o.ContentType) > 256 {
		return fmt.Errorf("content type is longer than 256 bytes: %w", ErrInvalid)
	}
	for i := 0; i < len(o.ContentType); i++ {
		if c := o.ContentType[i]; c < 0x20 || c >= 0x7f {
			return fmt.Errorf("content type %q: only printable ASCII is allowed: %w", o.ContentType, ErrInvalid)
		}
	}
	return nil
}

// Validate checks the options of a List.
func (o ListOptions) Validate() error {
	if o.Limit < 0 {
		return fmt.Errorf("list limit %d is negative: %w", o.Limit, ErrInvalid)
	}
	if !utf8.ValidString(o.StartAfter) || len(o.StartAfter) > MaxKeyLen {
		return fmt.Errorf("list start-after %q: not a key: %w", o.StartAfter, ErrInvalid)
	}
	return ValidatePrefix(o.Prefix)
}

// PageLimit returns the page size List should use for o.Limit.
func (o ListOptions) PageLimit() int {
	if o.Limit <= 0 || o.Limit > MaxListLimit {
		return MaxListLimit
	}
	return o.Limit
}

// Bounds resolves r against an object of size bytes: the offset and length
// to read. Negative fields are ErrInvalid; an offset at or past the end is
// ErrInvalidRange.
func (r Range) Bounds(size int64) (offset, length int64, err error) {
	if r.Offset < 0 || r.Length < 0 {
		return 0, 0, fmt.Errorf("range offset %d length %d: negative: %w", r.Offset, r.Length, ErrInvalid)
	}
	if r.Offset >= size {
		return 0, 0, fmt.Errorf("range offset %d of a %d-byte object: %w", r.Offset, size, ErrInvalidRange)
	}
	length = size - r.Offset
	if r.Length > 0 && r.Length < length {
		length = r.Length
	}
	return r.Offset, length, nil
}

// ValidateObject checks the arguments of an object operation: a live
// context, a valid bucket and a valid key. Every Store checks them first.
func ValidateObject(ctx context.Context, bucket, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	return ValidateKey(key)
}

// ValidateList checks the arguments of List: a live context, a valid bucket
// and valid options.
func ValidateList(ctx context.Context, bucket string, opts ListOptions) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ValidateBucket(bucket); err != nil {
		return err
	}
	return opts.Validate()
}
