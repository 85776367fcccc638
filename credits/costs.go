// Package credits prices AI operations and meters them against an
// account's credits: reserve an estimate before the work, capture the
// actual cost after it succeeds, release on failure. One idempotency key
// per logical operation makes retries and duplicate deliveries safe: a
// retried job finds its hold again and is never charged twice.
//
// The ledger itself (balances, holds, transactions, usage) lives in
// Postgres (postgres.DB implements Ledger); this package holds the price
// list, the operational limits, the Meter that wraps an operation, the
// scheduler's periodic work and the low-credit webhook.
package credits

import (
	"fmt"

	"github.com/igny8/igny8"
)

// Rate is the price of an operation: Credits for every Per units of Unit,
// rounded up.
type Rate struct {
	Credits int64
	Per     int64
	Unit    string
}

// RateOf returns the price of op: the one place prices are defined.
func RateOf(op igny8.Operation) (Rate, bool) {
	switch op {
	case igny8.OpClustering:
		return Rate{10, 1, "request"}, true
	case igny8.OpIdeaGeneration:
		return Rate{15, 1, "cluster request"}, true
	case igny8.OpContent:
		return Rate{1, 100, "word"}, true
	case igny8.OpImage:
		return Rate{5, 1, "image"}, true
	case igny8.OpImagePrompts:
		return Rate{2, 1, "content piece"}, true
	case igny8.OpLinking:
		return Rate{8, 1, "content piece"}, true
	case igny8.OpOptimization:
		return Rate{1, 200, "word"}, true
	case igny8.OpSiteStructure:
		return Rate{50, 1, "blueprint"}, true
	case igny8.OpSitePage:
		return Rate{20, 1, "page"}, true
	}
	return Rate{}, false
}

// Operations lists every priced operation.
func Operations() []igny8.Operation {
	return []igny8.Operation{igny8.OpClustering, igny8.OpIdeaGeneration, igny8.OpContent, igny8.OpImage,
		igny8.OpImagePrompts, igny8.OpLinking, igny8.OpOptimization, igny8.OpSiteStructure, igny8.OpSitePage}
}

// Cost returns what units of op cost: 1,234 words of content cost 13
// credits, 3 images 15.
func Cost(op igny8.Operation, units int64) (int64, error) {
	r, ok := RateOf(op)
	if !ok {
		return 0, igny8.Errorf(igny8.EInvalid, "Unknown operation %q.", op)
	}
	if units < 0 {
		return 0, igny8.Errorf(igny8.EInvalid, "A %s operation cannot have %d %ss.", op, units, r.Unit)
	}
	return (units + r.Per - 1) / r.Per * r.Credits, nil
}

// Operational limits: technical bounds on one request, not plan limits
// (plans differ only in credits).
const (
	MaxKeywordsPerClustering = 50
	MaxImagesPerRequest      = 6
	MaxImagesPerProviderCall = 1
)

// CheckClustering checks a clustering request's keyword count.
func CheckClustering(keywords int) error {
	if keywords < 1 || keywords > MaxKeywordsPerClustering {
		return igny8.Errorf(igny8.EInvalid, "A clustering request takes 1 to %d keywords, not %d.", MaxKeywordsPerClustering, keywords)
	}
	return nil
}

// CheckImages checks an image request's image count.
func CheckImages(images int) error {
	if images < 1 || images > MaxImagesPerRequest {
		return igny8.Errorf(igny8.EInvalid, "An image request makes 1 to %d images, not %d.", MaxImagesPerRequest, images)
	}
	return nil
}

// Key builds an idempotency key from the parts that name one logical
// operation, e.g. Key("content", taskID) or Key("image", contentID, 2).
func Key(parts ...any) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ":"
		}
		s += fmt.Sprint(p)
	}
	return s
}
