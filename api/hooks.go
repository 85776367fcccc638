package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/igny8/igny8"
)

// HookTarget finds what a platform's webhook acts on. It is called with
// no actor in ctx: the caller is not known until the signature checks
// out.
type HookTarget interface {
	// ShopifyHook returns the account and site of Shopify integration
	// integrationID and its webhook_secret credential (the app's API
	// secret key, with which Shopify signs webhooks). It returns an error
	// with code not_found when there is no such integration, it is not a
	// Shopify one, or its credentials hold no webhook_secret; the route
	// answers all three as it answers a bad signature.
	ShopifyHook(ctx context.Context, integrationID int64) (accountID, siteID int64, secret []byte, err error)
}

// Shopify's webhook headers.
const (
	shopifyHMACHeader  = "X-Shopify-Hmac-Sha256"
	shopifyTopicHeader = "X-Shopify-Topic"
)

// maxShopifyHookBytes is publishing/shopify.MaxWebhookBytes, which api
// may not import (imports_test.go); hooks_test.go keeps the two equal.
const maxShopifyHookBytes = 5 << 20

// shopifySyncTopics are the webhook topics that start a sync: products
// change in the Shopify admin. Pages and articles have no webhooks; sync
// polls them.
var shopifySyncTopics = []string{"products/create", "products/update", "products/delete"}

// errHookSignature is the one answer to a webhook that cannot be
// trusted: missing or bad signature, unknown integration, no secret. It
// says nothing of which, so the route does not tell whether an
// integration exists.
var errHookSignature = problem(igny8.EUnauthorized, fmt.Sprintf("The webhook's %s signature is missing or does not match its body. "+
	"Shopify signs webhooks with the app's API secret key; the integration's credentials must hold it as webhook_secret.", shopifyHMACHeader))

// hookRoutes are the public routes platforms call. They take no bearer
// token: each checks the platform's signature instead.
func (s *server) hookRoutes() []*route {
	rs := []*route{
		{method: "POST", pattern: "/v1/hooks/shopify/{integrationID}", id: "shopifyWebhook", tag: "integrations",
			summary: "Shopify webhook receiver (no bearer token; the X-Shopify-Hmac-Sha256 signature of the body with the integration's webhook_secret is required, else 401): " +
				"products/create, products/update and products/delete start a sync job for the integration; other topics are acknowledged and ignored",
			query: []queryParam{
				{name: shopifyHMACHeader, in: "header", required: true, description: "base64 HMAC-SHA256 of the raw body, keyed with the app's API secret key"},
				{name: shopifyTopicHeader, in: "header", description: "the webhook's topic, such as products/update"},
			},
			in: json.RawMessage(nil), status: 200, serve: s.shopifyHook},
	}
	return unless(rs, func() bool { return s.cfg.Hooks != nil && s.cfg.Pipeline != nil },
		"Shopify webhooks are not configured on this server.")
}

// shopifyHook verifies a Shopify webhook and starts a sync job for its
// product topics, acting as an editor of the integration's account.
//
// Shopify retries a delivery that gets no 2xx, so a failure to start the
// job is answered as an error. A sync job already queued or running is
// not looked for: the pipeline has no way to start a job only if none is
// pending, so each product webhook starts one; a sync with nothing new to
// bring back changes nothing.
func (s *server) shopifyHook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	// Per client address, before any work: per integration would let
	// anyone block an integration's deliveries with unsigned requests.
	if err := s.rateLimit(w, r, "hook:"+clientNet(r.RemoteAddr)); err != nil {
		return 0, nil, err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxShopifyHookBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return 0, nil, problem(CodeTooLarge, fmt.Sprintf("The webhook's body is larger than %d bytes.", tooLarge.Limit))
		}
		return 0, nil, err
	}
	sig, ok := decodeShopifyHMAC(r.Header.Get(shopifyHMACHeader))
	if !ok {
		return 0, nil, errHookSignature
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "integrationID"), 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, errHookSignature
	}
	account, site, secret, err := s.cfg.Hooks.ShopifyHook(r.Context(), id)
	switch {
	case igny8.ErrorCode(err) == igny8.ENotFound || (err == nil && len(secret) == 0):
		// Sign anyway, so an unknown id takes as long as a wrong secret.
		shopifySigns([]byte("no integration"), body, sig)
		return 0, nil, errHookSignature
	case err != nil:
		return 0, nil, fmt.Errorf("find shopify integration %d: %w", id, err)
	}
	if !shopifySigns(secret, body, sig) {
		s.log.WarnContext(r.Context(), "shopify webhook signature does not match", "integration_id", id, "account_id", account)
		return 0, nil, errHookSignature
	}
	setAccount(r.Context(), account)
	topic := r.Header.Get(shopifyTopicHeader)
	if !slices.Contains(shopifySyncTopics, topic) {
		return http.StatusOK, nil, nil
	}
	ctx := igny8.WithActor(r.Context(), igny8.Actor{AccountID: account, Role: igny8.RoleEditor, RequestID: requestID(r.Context())})
	input, _ := json.Marshal(map[string]any{"integration_id": id})
	j, err := s.cfg.Pipeline.StartJob(ctx, site, igny8.JobSync, input)
	if err != nil {
		return 0, nil, fmt.Errorf("start sync of integration %d for shopify %s: %w", id, topic, err)
	}
	s.log.InfoContext(r.Context(), "shopify webhook started a sync", "integration_id", id, "account_id", account, "topic", topic, "job_id", j.ID)
	return http.StatusOK, nil, nil
}

// decodeShopifyHMAC decodes an X-Shopify-Hmac-Sha256 header: the base64
// of a SHA-256 HMAC.
func decodeShopifyHMAC(header string) ([]byte, bool) {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	return sig, err == nil && len(sig) == sha256.Size
}

// shopifySigns reports whether sig is the HMAC-SHA256 of body keyed with
// secret, in constant time, as publishing/shopify.VerifyWebhook checks
// it (which api may not import; hooks_test.go checks they agree).
func shopifySigns(secret, body, sig []byte) bool {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(sig, mac.Sum(nil))
}
