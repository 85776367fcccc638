package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	awscf "github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/igny8/igny8/cdn"
	"github.com/igny8/igny8/cdn/cloudfront"
	"github.com/igny8/igny8/deployer"
)

// cdnConfig says which CDN, if any, to purge after a promote or rollback.
type cdnConfig struct {
	Kind string // IGNY8_CDN: "" or "none" (off), or "cloudfront"
	// CloudFront: the distribution in front of the edge, and optionally
	// another API endpoint (a stand-in for tests). Credentials and region
	// come from the standard AWS chain (AWS_ACCESS_KEY_ID, AWS_PROFILE,
	// instance roles, ...).
	DistributionID string // IGNY8_CLOUDFRONT_DISTRIBUTION_ID
	Endpoint       string // IGNY8_CLOUDFRONT_ENDPOINT
}

func loadCDNConfig(getenv func(string) string) (cdnConfig, error) {
	c := cdnConfig{
		Kind:           getenv("IGNY8_CDN"),
		DistributionID: getenv("IGNY8_CLOUDFRONT_DISTRIBUTION_ID"),
		Endpoint:       getenv("IGNY8_CLOUDFRONT_ENDPOINT"),
	}
	switch c.Kind {
	case "", "none":
		c.Kind = ""
	case "cloudfront":
		if c.DistributionID == "" {
			return c, usagef("IGNY8_CDN is cloudfront, so set IGNY8_CLOUDFRONT_DISTRIBUTION_ID to the id of the distribution in front of the edge")
		}
	default:
		return c, usagef("IGNY8_CDN=%q: want cloudfront, or none to purge no CDN", c.Kind)
	}
	return c, nil
}

// newCDNHook returns what purges the CDN after a site's live deploy
// changed; with no CDN configured it is nil, which purges nothing.
func newCDNHook(ctx context.Context, e *env, d *deployer.Deployer, logger *slog.Logger) (*cdn.Hook, error) {
	c, err := loadCDNConfig(e.getenv)
	if err != nil || c.Kind == "" {
		return nil, err
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("cloudfront: aws configuration: %w", err)
	}
	client := awscf.NewFromConfig(awsCfg, func(o *awscf.Options) {
		if o.Region == "" {
			o.Region = "us-east-1" // CloudFront is global; its API signs for us-east-1
		}
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
	})
	return &cdn.Hook{Purger: cloudfront.New(client, c.DistributionID), Manifests: d, Logger: logger}, nil
}
