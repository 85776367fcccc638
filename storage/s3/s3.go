// Package s3 is a storage.Store on MinIO or AWS S3, through minio-go v7.
//
// Generations are ETags (without quotes). Conditional Puts send
// If-None-Match: * (create-only) or If-Match: "<etag>" (compare-and-swap),
// which MinIO and AWS S3 both honour on PutObject; they are always sent as a
// single PUT, because a multipart upload would carry the condition on the
// wrong request. A conditional Put of unknown size (-1) is buffered in
// memory for that reason: pass the size. The server answers a lost race with
// 412 (or 409 ConditionalRequestConflict on AWS), which becomes
// storage.ErrPrecondition.
package s3

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/igny8/igny8/storage"
)

var _ storage.Store = (*Store)(nil)

// Config says which S3 service to use and how to sign in. cmd/igny8 fills it
// from IGNY8_S3_* variables; this package reads no environment.
type Config struct {
	// Endpoint is the service's URL, as "http://127.0.0.1:9000" or
	// "https://s3.eu-west-1.amazonaws.com". Without a scheme, https is used.
	Endpoint  string
	AccessKey string
	SecretKey string
	// Region is where buckets are created and requests signed for; empty
	// means us-east-1 (MinIO's default too).
	Region string
}

// DefaultRegion is the Region used when Config.Region is empty.
const DefaultRegion = "us-east-1"

// Store is a storage.Store on an S3 service. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	region string
}

// New returns a Store for cfg. It makes no request, so a wrong address or
// credentials surface on first use.
func New(cfg Config) (*Store, error) {
	if cfg.Endpoint == "" {
		return nil, errors.New("s3: no endpoint configured")
	}
	raw := cfg.Endpoint
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("s3: endpoint %q: %w", cfg.Endpoint, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return nil, fmt.Errorf("s3: endpoint %q: want http(s)://host[:port] with no path", cfg.Endpoint)
	}
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		return nil, errors.New("s3: set both the access key and the secret key, or neither")
	}
	region := cfg.Region
	if region == "" {
		region = DefaultRegion
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	return &Store{client: client, region: region}, nil
}

// CreateBucket implements storage.Store.
func (s *Store) CreateBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	if err := s.client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: s.region}); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, translate(err))
	}
	return nil
}

// DeleteBucket implements storage.Store.
func (s *Store) DeleteBucket(ctx context.Context, bucket string) error {
	if err := storage.ValidateBucket(bucket); err != nil {
		return fmt.Errorf("delete bucket: %w", err)
	}
	if err := s.client.RemoveBucket(ctx, bucket); err != nil {
		return fmt.Errorf("delete bucket %s: %w", bucket, translate(err))
	}
	return nil
}

// translate maps S3 error responses to storage's sentinels, once, here at
// the adapter's edge. Anything else passes through (an internal error).
func translate(err error) error {
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		return err
	}
	switch er.Code {
	case "NoSuchKey":
		return storage.ErrNotFound
	case "NoSuchBucket":
		return storage.ErrBucketNotFound
	case "PreconditionFailed", "ConditionalRequestConflict":
		return storage.ErrPrecondition
	case "InvalidRange":
		return storage.ErrInvalidRange
	case "BucketAlreadyOwnedByYou", "BucketAlreadyExists":
		return storage.ErrBucketExists
	case "BucketNotEmpty":
		return storage.ErrBucketNotEmpty
	}
	switch er.StatusCode {
	case 412:
		return storage.ErrPrecondition
	case 416:
		return storage.ErrInvalidRange
	}
	return err
}

// notFound refines a HEAD's ErrNotFound: without a body, AWS cannot say
// whether the key or the whole bucket is missing, so ask.
func (s *Store) notFound(ctx context.Context, bucket string, err error) error {
	if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	ok, berr := s.client.BucketExists(ctx, bucket)
	switch {
	case berr != nil:
		return fmt.Errorf("%w (checking the bucket: %v)", err, berr)
	case !ok:
		return fmt.Errorf("bucket %s: %w", bucket, storage.ErrBucketNotFound)
	}
	return err
}
