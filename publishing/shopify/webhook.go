package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/igny8/igny8"
)

// Webhook headers Shopify sends.
const (
	HeaderHMAC    = "X-Shopify-Hmac-Sha256"
	HeaderTopic   = "X-Shopify-Topic"
	HeaderShop    = "X-Shopify-Shop-Domain"
	HeaderWebhook = "X-Shopify-Webhook-Id"
)

// MaxWebhookBytes bounds the body ReadWebhook reads.
const MaxWebhookBytes = 5 << 20

// VerifyWebhook checks that body, byte for byte as received, was signed
// by Shopify with the app's secret: hmacHeader (X-Shopify-Hmac-Sha256)
// must be the base64 HMAC-SHA256 of body keyed with secret, compared in
// constant time. It returns an EUnauthorized error otherwise.
func VerifyWebhook(secret, body []byte, hmacHeader string) error {
	if len(secret) == 0 {
		return igny8.Errorf(igny8.EInvalid, "The Shopify webhook secret is not set.")
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(hmacHeader))
	if err != nil || len(got) != sha256.Size {
		return igny8.Errorf(igny8.EUnauthorized, "The webhook's %s header is missing or is not a base64 HMAC-SHA256.", HeaderHMAC)
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return igny8.Errorf(igny8.EUnauthorized, "The webhook's signature does not match its body: it was not sent by Shopify with this app's secret, or it was altered.")
	}
	return nil
}

// Webhook is a verified webhook delivery.
type Webhook struct {
	Topic     string // X-Shopify-Topic, such as "products/update"
	Shop      string // X-Shopify-Shop-Domain, acme.myshopify.com
	WebhookID string // X-Shopify-Webhook-Id: the same on redeliveries
	// ProductID is the product's gid for a products/* topic (built from
	// the body's admin_graphql_api_id, or its numeric id), else "".
	ProductID string
	Body      []byte
}

// ReadWebhook reads and verifies a webhook request, for an http.Handler:
// the body (at most MaxWebhookBytes), its signature, topic and shop, and
// for products/* topics the product id. Answer 401 to an EUnauthorized
// error; Shopify retries a delivery that gets no 2xx.
func ReadWebhook(r *http.Request, secret []byte) (*Webhook, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxWebhookBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, igny8.Errorf(igny8.EInvalid, "The webhook's body is larger than %d bytes.", MaxWebhookBytes)
		}
		return nil, err
	}
	if err := VerifyWebhook(secret, body, r.Header.Get(HeaderHMAC)); err != nil {
		return nil, err
	}
	w := &Webhook{Topic: r.Header.Get(HeaderTopic), Shop: r.Header.Get(HeaderShop), WebhookID: r.Header.Get(HeaderWebhook), Body: body}
	if w.Topic == "" {
		return nil, igny8.Errorf(igny8.EInvalid, "The webhook has no %s header.", HeaderTopic)
	}
	if strings.HasPrefix(w.Topic, "products/") {
		var p struct {
			ID        json.Number `json:"id"`
			GraphQLID string      `json:"admin_graphql_api_id"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "The %s webhook's body is not a JSON product.", w.Topic)
		}
		switch {
		case p.GraphQLID != "":
			w.ProductID = p.GraphQLID
		case p.ID != "":
			w.ProductID = "gid://shopify/Product/" + p.ID.String()
		}
	}
	return w, nil
}
