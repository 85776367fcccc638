// Package s3test connects tests to the S3 service (MinIO) that make test
// starts, for any package whose tests need real object storage.
package s3test

import (
	"os"
	"testing"

	"github.com/igny8/igny8/storage/s3"
)

// Environment variables read by Config. scripts/minio.sh prints them.
const (
	EnvEndpoint  = "IGNY8_TEST_S3_ENDPOINT"
	EnvAccessKey = "IGNY8_TEST_S3_ACCESS_KEY"
	EnvSecretKey = "IGNY8_TEST_S3_SECRET_KEY"
	EnvRegion    = "IGNY8_TEST_S3_REGION"
)

// Config returns the test service's configuration from the environment. If
// IGNY8_TEST_S3_ENDPOINT is unset it skips the test, except under CI=true,
// where a missing service is a failure: CI must never pass by skipping.
func Config(tb testing.TB) s3.Config {
	tb.Helper()
	cfg := s3.Config{
		Endpoint:  os.Getenv(EnvEndpoint),
		AccessKey: os.Getenv(EnvAccessKey),
		SecretKey: os.Getenv(EnvSecretKey),
		Region:    os.Getenv(EnvRegion),
	}
	if cfg.Endpoint == "" {
		const msg = EnvEndpoint + " is not set; run `eval \"$(scripts/minio.sh)\"` to start MinIO and set it"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + " (CI=true: a missing service is a failure, not a skip)")
		}
		tb.Skip(msg)
	}
	return cfg
}

// Open returns an s3.Store on the test service, or skips (see Config).
func Open(tb testing.TB) *s3.Store {
	tb.Helper()
	s, err := s3.New(Config(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
