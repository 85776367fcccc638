// Package cloudfront purges Amazon CloudFront through its CreateInvalidation
// API (aws-sdk-go-v2).
package cloudfront

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/smithy-go"

	"github.com/igny8/igny8/cdn"
)

// MaxPaths is the most file paths CloudFront lets a distribution have in
// progress at once. An invalidation with more is sent as "/*" instead,
// which counts against the separate allowance for wildcard paths.
const MaxPaths = 3000

// API is the part of the CloudFront client a Purger uses.
type API interface {
	CreateInvalidation(ctx context.Context, in *cloudfront.CreateInvalidationInput, optFns ...func(*cloudfront.Options)) (*cloudfront.CreateInvalidationOutput, error)
}

var _ API = (*cloudfront.Client)(nil)

// Purger creates CloudFront invalidations for one distribution.
type Purger struct {
	api            API
	distributionID string
}

var _ cdn.Purger = (*Purger)(nil)

// New returns a Purger for the distribution, which serves the sites'
// hosts through the edge.
func New(api API, distributionID string) *Purger {
	return &Purger{api: api, distributionID: distributionID}
}

// Purge creates one invalidation of inv's paths, or of "/*" when they are
// more than MaxPaths. Its caller reference is inv.Reference(), so a
// retried purge of the same swap does not start a second invalidation:
// CloudFront answers with the first one.
func (p *Purger) Purge(ctx context.Context, inv cdn.Invalidation) error {
	paths := inv.Paths
	if len(paths) > MaxPaths {
		paths = []string{cdn.All}
	}
	if len(paths) == 0 {
		return nil
	}
	_, err := p.api.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(p.distributionID),
		InvalidationBatch: &types.InvalidationBatch{
			CallerReference: aws.String(inv.Reference()),
			Paths:           &types.Paths{Quantity: aws.Int32(int32(len(paths))), Items: paths},
		},
	})
	// The same reference with other paths means this swap was purged
	// already (by a run that capped the paths differently): done.
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "InvalidationBatchAlreadyExists" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cloudfront invalidation %s of %d paths on %s: %w", inv.Reference(), len(paths), p.distributionID, err)
	}
	return nil
}
